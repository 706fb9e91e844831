import type { Metadata } from "next";
import { z } from "zod";
import { getDb } from "@/db/client";
import { findLot } from "@/db/queries/lots";
import { KioskScreen } from "@/components/kiosk/kiosk-screen";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Gate kiosk" };

type Props = {
  params: Promise<{ lotId: string; gateId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

const DEFAULT_BRIDGE = "http://127.0.0.1:7070";
const DEFAULT_HOLD_SECONDS = 10;

/** The bridge runs on the gate PC itself; only an http(s) origin is accepted, anything else falls back. */
function bridgeOrigin(raw: string | string[] | undefined): string {
  if (typeof raw !== "string") return DEFAULT_BRIDGE;
  try {
    const url = new URL(raw);
    return url.protocol === "http:" || url.protocol === "https:" ? url.origin : DEFAULT_BRIDGE;
  } catch {
    return DEFAULT_BRIDGE;
  }
}

/** The lot's name for the welcome line; the screen works without it (an unknown id, the database down). */
async function lotName(lotId: string): Promise<string | null> {
  if (!z.uuid().safeParse(lotId).success) return null;
  try {
    return (await findLot(await getDb(), lotId))?.name ?? null;
  } catch {
    return null;
  }
}

// GET /kiosk/{lotId}/{gateId}?bridge=http://127.0.0.1:7070 – the screen beside the barrier
export default async function KioskPage({ params, searchParams }: Props) {
  const [{ lotId, gateId }, query] = await Promise.all([params, searchParams]);
  const hold = Number(typeof query.hold === "string" ? query.hold : NaN);
  return (
    <KioskScreen
      lotId={lotId}
      gateId={gateId}
      lotName={await lotName(lotId)}
      bridgeUrl={bridgeOrigin(query.bridge)}
      holdSeconds={Number.isFinite(hold) && hold > 0 ? Math.min(hold, 120) : DEFAULT_HOLD_SECONDS}
    />
  );
}
