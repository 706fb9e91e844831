"use client";

import { useEffect, useRef, useState } from "react";
import type { Decision as BridgeDecision, Direction } from "@spotkeeper/gate-kiosk/contract";
import styles from "./kiosk.module.css";

const ROWS = ["1234567890", "QWERTYUIOP", "ASDFGHJKL", "ZXCVBNM"];
const MAX_LENGTH = 12;
const clean = (text: string) =>
  text
    .toUpperCase()
    .replace(/[^A-Z0-9\p{Lu} -]/gu, "")
    .slice(0, MAX_LENGTH);

/**
 * Manual plate entry for a touch screen: keys big enough for a gloved finger, posting to the bridge,
 * which decides exactly as for a scan. A physical keyboard works too; the OS keyboard stays hidden.
 */
export function PlateKeypad({
  bridgeUrl,
  direction,
  onClose,
  onDecision,
}: {
  bridgeUrl: string;
  direction: Direction;
  onClose: () => void;
  onDecision: (d: BridgeDecision) => void;
}) {
  const [plate, setPlate] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => input.current?.focus(), []);

  const type = (key: string) => {
    setError(null);
    setPlate((p) => clean(p + key));
  };

  async function submit() {
    if (!plate.trim() || busy) return;
    setBusy(true);
    setError(null);
    try {
      const res = await fetch(`${bridgeUrl}/manual`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ identifier: plate }),
      });
      if (!res.ok) throw new Error(`bridge answered ${res.status}`);
      onDecision((await res.json()) as BridgeDecision);
      onClose();
    } catch {
      setError("The gate did not answer. Please call the attendant.");
    } finally {
      setBusy(false);
    }
  }

  return (
    <div
      className={styles.keypad}
      role="dialog"
      aria-modal="true"
      aria-labelledby="kiosk-keypad-title"
      onKeyDown={(e) => {
        if (e.key === "Escape") onClose();
      }}
    >
      <h2 id="kiosk-keypad-title" className={styles.keypadTitle}>
        Type your licence plate
      </h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <input
          ref={input}
          className={styles.plateInput}
          aria-label="Licence plate"
          value={plate}
          onChange={(e) => {
            setError(null);
            setPlate(clean(e.target.value));
          }}
          inputMode="none"
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          maxLength={MAX_LENGTH}
        />
      </form>
      <div className={styles.keys}>
        {ROWS.map((row) => (
          <div key={row} className={styles.keyRow}>
            {[...row].map((k) => (
              <button key={k} type="button" className={styles.key} onClick={() => type(k)}>
                {k}
              </button>
            ))}
          </div>
        ))}
      </div>
      <div>
        {error ? (
          <p className={styles.keypadError} role="alert">
            {error}
          </p>
        ) : null}
        <div className={styles.keypadActions}>
          <button type="button" className={`${styles.key} ${styles.keyWide} ${styles.secondary}`} onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className={`${styles.key} ${styles.keyWide} ${styles.secondary}`}
            onClick={() => setPlate((p) => p.slice(0, -1))}
            aria-label="Delete last character"
          >
            ⌫ Delete
          </button>
          <button
            type="button"
            className={`${styles.bigButton} ${styles.keyWide}`}
            onClick={() => void submit()}
            disabled={!plate.trim() || busy}
          >
            {busy ? "Checking…" : direction === "exit" ? "Check out" : "Check in"}
          </button>
        </div>
      </div>
    </div>
  );
}
