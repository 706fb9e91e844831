import { GATE_MESSAGES } from "@spotkeeper/gate-kiosk/contract";
import styles from "./kiosk.module.css";

/** /kiosk/{lot}/{gate} for a lot or gate that does not exist: an out-of-service screen, never a welcome. */
export function KioskNotSetUp() {
  return (
    <div className={styles.screen} data-kiosk>
      <div className={styles.band} data-state="out-of-service" role="status" aria-label="Connection">
        <span className={styles.bandDot} aria-hidden="true" />
        <span className={styles.bandTitle}>Gate out of service</span>
      </div>
      <section className={styles.panel} data-tone="deny" aria-label="Gate">
        <h1 className={styles.headline}>This screen is not set up</h1>
        <p className={styles.lead}>{GATE_MESSAGES.misconfigured}</p>
        <p className={styles.sub}>
          Technician: the address must name an existing lot and one of its gates (/kiosk/&#123;lot id&#125;/&#123;gate
          id&#125;).
        </p>
      </section>
    </div>
  );
}
