import type { Decision as BridgeDecision, Direction } from "@spotkeeper/gate-kiosk/contract";
import styles from "./kiosk.module.css";

const ATTENDANT = /\s*Please call the attendant\.?/i;

/** The server's sentences sometimes end with the same call to action the screen shows on its own. */
const withoutAttendant = (message: string) => message.replace(ATTENDANT, "").trim();

/** The why of an ask_for_qr ("We could not read your plate."), without its repeat of the request. */
const reasonOnly = (message: string) =>
  (message.match(/[^.!?]+[.!?]?/g) ?? [])
    .map((s) => s.trim())
    .filter((s) => s && !/QR|attendant/i.test(s))
    .join(" ");

function QrIcon() {
  return (
    <svg className={styles.qrIcon} viewBox="0 0 29 29" fill="currentColor" aria-hidden="true">
      <path d="M0 0h11v11H0zM2 2v7h7V2zM18 0h11v11H18zM20 2v7h7V2zM0 18h11v11H0zM2 20v7h7v-7z" fillRule="evenodd" />
      <path d="M4 4h3v3H4zM22 4h3v3h-3zM4 22h3v3H4zM13 0h3v3h-3zM13 5h3v6h-3zM0 13h3v3H0zM5 13h6v3H5zM13 13h3v3h-3zM18 13h3v3h-3zM24 13h5v3h-5zM13 18h3v5h-3zM18 18h5v3h-5zM26 19h3v5h-3zM18 23h3v6h-3zM13 26h3v3h-3zM23 26h6v3h-6z" />
    </svg>
  );
}

/** What the driver reads: the decision for their car, or how to get one. */
export function DecisionPanel({
  decision,
  direction,
  lotName,
}: {
  decision: BridgeDecision | null;
  direction: Direction;
  lotName: string | null;
}) {
  if (!decision) {
    return (
      <section className={styles.panel} data-tone="idle" aria-live="polite" aria-label="Gate">
        <h1 className={styles.headline}>
          {direction === "exit" ? "Thank you for visiting" : lotName ? `Welcome to ${lotName}` : "Welcome"}
        </h1>
        <p className={styles.lead}>Scan your QR pass or drive up to the camera</p>
        <p className={styles.sub}>No pass? Type your plate below.</p>
      </section>
    );
  }

  const offline = decision.offline ? <p className={styles.offlineNote}>Decided by the gate while offline</p> : null;

  if (decision.action === "open_barrier") {
    const exit = decision.direction === "exit";
    return (
      <section className={styles.panel} data-tone="open" aria-live="assertive" aria-label="Gate">
        <h1 className={styles.headline}>{exit ? "Goodbye!" : "Welcome!"}</h1>
        {decision.spot_label && !exit ? (
          <div className={styles.spotBox}>
            <span className={styles.spotCaption}>Your spot</span>
            <span className={styles.spotLabel} data-testid="spot-label">
              {decision.spot_label}
            </span>
          </div>
        ) : (
          <p className={styles.lead}>{decision.message}</p>
        )}
        <p className={styles.sub}>
          {[decision.level ? `Level ${decision.level}` : null, exit ? "Exit" : "Entry", "The barrier is opening"]
            .filter(Boolean)
            .join(" · ")}
        </p>
        {offline}
      </section>
    );
  }

  if (decision.action === "ask_for_qr") {
    return (
      <section className={styles.panel} data-tone="qr" aria-live="assertive" aria-label="Gate">
        <QrIcon />
        <h1 className={styles.headline}>Please show your QR pass</h1>
        {reasonOnly(decision.message) ? <p className={styles.lead}>{reasonOnly(decision.message)}</p> : null}
        <p className={styles.sub}>Hold it under the scanner</p>
        {/* Offline, an unknown plate may be a booking newer than the gate's cache: the pass or a person settles it. */}
        {decision.offline ? <p className={styles.attendant}>No pass? Please call the attendant</p> : null}
        {offline}
      </section>
    );
  }

  return (
    <section className={styles.panel} data-tone="deny" aria-live="assertive" aria-label="Gate">
      <h1 className={styles.headline}>
        {decision.barrier === "relay_failed"
          ? "The barrier did not open"
          : decision.direction === "exit"
            ? "Exit not possible"
            : "No entry"}
      </h1>
      <p className={styles.lead}>{withoutAttendant(decision.message) || "This pass or plate was not accepted."}</p>
      <p className={styles.attendant}>Please call the attendant</p>
      {offline}
    </section>
  );
}
