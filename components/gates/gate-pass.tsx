import { formatDateTime } from "@/components/format";
import { getDb } from "@/db/client";
import { isApiError } from "@/lib/errors";
import { issueDriverPass } from "@/lib/gates/driver-pass";
import styles from "./gate-pass.module.css";

/**
 * The driver's QR gate pass for a confirmed or checked-in reservation, with a PNG download. Server
 * component: the token is signed here and never leaves the server unsigned. Renders nothing when the
 * server has no signing key (outside demo mode without QR_SIGNING_KEY): plates still open the gates.
 */
export async function GatePass({
  reservationId,
  userId,
  spotLabel,
  timeZone,
}: {
  reservationId: string;
  userId: string;
  spotLabel: string;
  /** The lot's, for the time the pass starts to open the gate. */
  timeZone: string;
}) {
  let pass: Awaited<ReturnType<typeof issueDriverPass>>;
  try {
    pass = await issueDriverPass(await getDb(), { id: userId, role: "driver" }, reservationId);
  } catch (err) {
    if (isApiError(err) && (err.code === "not_configured" || err.code === "invalid_state")) return null;
    throw err;
  }
  return (
    <details className={styles.pass} data-testid="gate-pass">
      <summary>Gate pass (QR code)</summary>
      <div className={styles.body}>
        {/* eslint-disable-next-line @next/next/no-img-element -- a data URL, nothing for next/image to optimise */}
        <img className={styles.qr} src={pass.qr_png_data_url} alt={`QR gate pass for spot ${spotLabel}`} width={192} height={192} />
        <div>
          <p className={`muted small ${styles.hint}`}>
            Show this at the barrier if the camera does not recognise your plate. It opens the entry from{" "}
            {formatDateTime(new Date(pass.valid_from), timeZone)} (lot time).
          </p>
          <a className="button button-small" href={pass.qr_png_data_url} download={`spotkeeper-pass-${spotLabel}.png`}>
            Download
          </a>
        </div>
      </div>
    </details>
  );
}
