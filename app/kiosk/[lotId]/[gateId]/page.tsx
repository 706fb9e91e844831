import type { Metadata } from "next";
import { z } from "zod";
import { getDb } from "@/db/client";
import { findGate } from "@/db/queries/gates";
import { findLot } from "@/db/queries/lots";
import { KioskScreen } from "@/components/kiosk/kiosk-screen";
import { KioskNotSetUp } from "@/components/kiosk/kiosk-not-set-up";

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

/**
 * The lot's name for the welcome line, or "unknown" when this lot has no such gate: a screen set up
 * with a wrong address must say so, never welcome anyone. With the database down the screen still
 * works, without the name (the bridge's own page, served on the gate PC, is the fallback anyway).
 */
async function lotOfGate(lotId: string, gateId: string): Promise<{ name: string | null } | "unknown"> {
  if (!z.uuid().safeParse(lotId).success || !z.uuid().safeParse(gateId).success) return "unknown";
  try {
    const db = await getDb();
    const [lot, gate] = await Promise.all([findLot(db, lotId), findGate(db, gateId)]);
    if (!lot || !gate || gate.lotId !== lot.id) return "unknown";
    return { name: lot.name };
  } catch {
    return { name: null };
  }
}

// GET /kiosk/{lotId}/{gateId}?bridge=http://127.0.0.1:7070 – the screen beside the barrier
export default async function KioskPage({ params, searchParams }: Props) {
  const [{ lotId, gateId }, query] = await Promise.all([params, searchParams]);
  const hold = Number(typeof query.hold === "string" ? query.hold : NaN);
  const lot = await lotOfGate(lotId, gateId);
  if (lot === "unknown") return <KioskNotSetUp />;
  return (
    <KioskScreen
      lotId={lotId}
      gateId={gateId}
      lotName={lot.name}
      bridgeUrl={bridgeOrigin(query.bridge)}
      holdSeconds={Number.isFinite(hold) && hold > 0 ? Math.min(hold, 120) : DEFAULT_HOLD_SECONDS}
    />
  );
}
