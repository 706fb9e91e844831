import "server-only";
import QRCode from "qrcode";
import type { Db } from "@/db/client";
import { findLot } from "@/db/queries/lots";
import { ApiError, isApiError } from "@/lib/errors";
import { authorizeReservation } from "@/lib/auth/lot-access";
import type { Caller } from "@/lib/auth/caller";
import { isPassStatus } from "./gate-pass";
import { signPass } from "./pass-token";

// Error correction M survives a scratched phone screen; the margin is the quiet zone scanners need.
const QR_OPTIONS = { errorCorrectionLevel: "M", margin: 2 } as const;

/** The driver's gate pass for a paid reservation: the signed token, as SVG and as a PNG to download. */
export async function issueDriverPass(db: Db, caller: Pick<Caller, "id" | "role">, reservationId: string) {
  // Its driver, or any member of the lot's organisation (an attendant helping at the barrier).
  const r = await authorizeReservation(db, caller, reservationId, { operatorRole: "attendant" });
  if (!isPassStatus(r.status)) {
    const message =
      r.status === "pending_payment"
        ? "A gate pass is issued once the reservation is paid"
        : `A ${r.status.replace("_", " ")} reservation has no gate pass`;
    throw new ApiError("invalid_state", message, { status: r.status });
  }
  const lot = (await findLot(db, r.lotId))!;
  const { token, claims } = await signPass(r, lot);
  const [svg, png] = await Promise.all([
    QRCode.toString(token, { ...QR_OPTIONS, type: "svg" }),
    QRCode.toDataURL(token, { ...QR_OPTIONS, type: "image/png", width: 512 }),
  ]);
  return {
    reservation_id: r.id,
    token,
    qr_svg: svg,
    qr_png_data_url: png,
    valid_from: new Date(claims.nbf * 1000).toISOString(),
    valid_until: new Date(claims.exp * 1000).toISOString(),
  };
}

export type DriverPass = Awaited<ReturnType<typeof issueDriverPass>>;

/**
 * For the site's pages: the pass, or null where it has none — no signing key on this server
 * (outside demo mode without QR_SIGNING_KEY; plates still open the gates) or not paid yet.
 */
export async function driverPassIfIssued(
  db: Db,
  caller: Pick<Caller, "id" | "role">,
  reservationId: string,
): Promise<DriverPass | null> {
  try {
    return await issueDriverPass(db, caller, reservationId);
  } catch (err) {
    if (isApiError(err) && (err.code === "not_configured" || err.code === "invalid_state")) return null;
    throw err;
  }
}
