"use client";

import { useEffect, useState } from "react";
import { formatDateTime } from "@/components/format";
import { composePassImage } from "./pass-image";
import styles from "./gate-pass.module.css";

type Pass = { qr_png_data_url: string; valid_from: string; valid_until: string };
type State =
  { kind: "idle" | "loading" } | { kind: "ready"; pass: Pass; download: string } | { kind: "error"; message: string };

/**
 * The driver's QR gate pass, fetched from GET /v1/reservations/{id}/pass only when opened: a list of
 * a hundred bookings renders no QR code on the server and ships none in its HTML. The download is a
 * PNG with the lot, spot, times and plate drawn under the code, so it still says what it is when
 * it sits in a photo roll.
 */
export function GatePass({
  reservationId,
  spotLabel,
  lines,
  timeZone,
  open = false,
}: {
  reservationId: string;
  spotLabel: string;
  /** Lot, spot, times (lot time) and plate, drawn on the downloaded image. */
  lines: string[];
  /** The lot's zone: the pass's opening time is told on the lot's clock, not the phone's. */
  timeZone: string;
  open?: boolean;
}) {
  const [state, setState] = useState<State>({ kind: "idle" });
  // Shown open (the confirmation page): fetch at once rather than wait for a toggle that never comes.
  useEffect(() => {
    if (open) void load();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once, on mount
  }, []);

  async function load() {
    if (state.kind === "loading" || state.kind === "ready") return;
    setState({ kind: "loading" });
    try {
      const res = await fetch(`/v1/reservations/${reservationId}/pass`, { cache: "no-store" });
      const body = await res.json();
      if (!res.ok) return setState({ kind: "error", message: body?.error?.message ?? "The pass could not be loaded." });
      const download = await composePassImage(body.qr_png_data_url, lines).catch(() => body.qr_png_data_url);
      setState({ kind: "ready", pass: body, download });
    } catch {
      setState({ kind: "error", message: "The pass could not be loaded. Check your connection and open it again." });
    }
  }

  return (
    <details
      className={styles.pass}
      data-testid="gate-pass"
      open={open || undefined}
      onToggle={(e) => (e.currentTarget.open ? void load() : undefined)}
    >
      <summary>Gate pass (QR code)</summary>
      <div className={styles.body} aria-live="polite">
        {state.kind === "error" ? (
          <p className="alert alert-error" role="alert">
            {state.message}
          </p>
        ) : state.kind !== "ready" ? (
          <p className="muted small">Loading your pass…</p>
        ) : (
          <>
            {/* eslint-disable-next-line @next/next/no-img-element -- a data URL, nothing for next/image to optimise */}
            <img
              className={styles.qr}
              src={state.pass.qr_png_data_url}
              alt={`QR gate pass for spot ${spotLabel}`}
              width={192}
              height={192}
            />
            <div>
              <p className={`muted small ${styles.hint}`}>
                Show this at the barrier if the camera does not recognise your plate. It opens the entry from{" "}
                {formatDateTime(new Date(state.pass.valid_from), timeZone)} (lot time).
              </p>
              <a className="button button-small" href={state.download} download={`spotkeeper-pass-${spotLabel}.png`}>
                Download
              </a>
            </div>
          </>
        )}
      </div>
    </details>
  );
}
