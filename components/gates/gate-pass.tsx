import { formatDateTime } from "@/components/format";
import type { DriverPass } from "@/lib/gates/driver-pass";
import styles from "./gate-pass.module.css";

/**
 * The driver's QR gate pass for a confirmed or checked-in reservation, with a PNG download. The page
 * issues the pass (driverPassIfIssued, on the server: the token is signed there) and shows this only
 * when there is one.
 */
export function GatePass({
  pass,
  spotLabel,
  timeZone,
}: {
  pass: DriverPass;
  spotLabel: string;
  /** The lot's, for the time the pass starts to open the gate. */
  timeZone: string;
}) {
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
