import QRCode from "qrcode";
import type { Db } from "@/db/client";
import { findLot } from "@/db/queries/lots";
import { myReservation, type MyReservation } from "@/db/queries/my-reservations";
import { ledgerFor } from "@/db/queries/payments";
import { claimEmail, confirmationEmailsDue, markEmailFailed, markEmailSent } from "@/db/queries/reservation-emails";
import { findUserById } from "@/db/queries/users";
import type { Payment } from "@/db/schema";
import { describeTimeZone, formatDateTime, formatMoney, formatRange, VEHICLE_LABELS } from "@/components/format";
import { bookingIcs } from "@/lib/calendar/ics";
import { signPass } from "@/lib/gates/pass-token";
import { isApiError } from "@/lib/errors";
import type { LifecycleChange } from "@/lib/lifecycle/effects";
import { siteUrl } from "@/lib/organisations/site-url";
import { buildReceipt } from "@/lib/receipts/receipt";
import { backgroundWork } from "@/lib/background";

// The booking confirmation e-mail, sent when SMTP_URL is set (smtp://user:pass@host:587, the same
// setting as invitation e-mails; SMTP_FROM names the sender). It goes out after the payment has
// committed, never inside it, and a mail server that fails never fails a booking: the attempt is
// recorded and retried by the scheduler's sweep (and the Inngest backstop cron) with back-off.
// reservation_emails makes it at most once per booking: a sender claims the row before sending
// and stamps it after, so a retried effect, a sweep and a second process never send it twice.

const MAX_ATTEMPTS = 5;
/** How long a sender holds its claim; a sender that died is replaced after this. */
const LEASE_MS = 2 * 60_000;
/** Wait before retrying after the 1st, 2nd, … failed attempt. */
const BACKOFF_MS = [60_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000];
/** The sweep only catches up on bookings confirmed this recently: a late confirmation is no use. */
const CATCH_UP_MS = 24 * 3_600_000;
const QR_CID = "pass-qr@spotkeeper";

const smtpUrl = () => process.env.SMTP_URL || null;

type ConfirmationEmail = {
  subject: string;
  text: string;
  html: string;
  attachments: { filename: string; content: Buffer | string; contentType: string; cid?: string }[];
};

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The e-mail for one paid booking: the pass (the QR code with lot, spot, times and plate beside it;
 * without a QR signing key on the server, the plate alone opens the gate), the times on the lot's
 * clock with its zone named, the receipt from the ledger, and the booking as an .ics attachment.
 */
async function composeConfirmationEmail(
  r: MyReservation,
  ledger: Payment[],
  passToken: string | null,
  bookingUrl: string,
): Promise<ConfirmationEmail> {
  const when = formatRange(r.startTime, r.endTime, r.timeZone);
  const zone = describeTimeZone(r.timeZone, r.startTime);
  const receipt = buildReceipt(ledger);
  const money = (n: number) => formatMoney(n, r.currency);
  const pass = [
    ["Lot", `${r.lotName}, ${r.lotAddress}`],
    ["Spot", `${r.spotLabel} (level ${r.spotLevel}) · ${VEHICLE_LABELS[r.vehicleType]}`],
    ["When", when],
    ["Time zone", `${zone}: the lot's local time`],
    ["Plate", r.licensePlate ?? "none on file: show the QR code at the gate"],
  ] as const;
  const gateNote = passToken
    ? "At the gate, the camera reads your plate; if it cannot, hold this QR code to the scanner."
    : "At the gate, the camera reads your plate.";
  const receiptLines = receipt.lines.map(
    (l) =>
      [
        `${formatDateTime(l.at, r.timeZone)} · ${l.description}${l.status === "pending" ? " (pending)" : ""}`,
        money(l.amount),
      ] as const,
  );

  const text = [
    `Your parking at ${r.lotName} is booked and paid.`,
    "",
    ...pass.map(([k, v]) => `${k}: ${v}`),
    "",
    gateNote,
    "",
    "Receipt",
    ...receiptLines.map(([k, v]) => `  ${k}: ${v}`),
    `  Total paid: ${money(receipt.net)}`,
    "",
    `Manage, extend or cancel your booking: ${bookingUrl}`,
    "The attached .ics file adds it to your calendar.",
  ].join("\n");

  const row = (k: string, v: string) =>
    `<tr><th align="left" style="padding:4px 12px 4px 0;vertical-align:top">${esc(k)}</th><td style="padding:4px 0">${esc(v)}</td></tr>`;
  const html = `<!doctype html><html lang="en"><body style="font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#111;max-width:560px;margin:0 auto;padding:16px">
<h1 style="font-size:20px">Your parking at ${esc(r.lotName)} is booked</h1>
<div style="border:2px solid #1d3fd8;border-radius:12px;padding:16px;margin:16px 0">
<h2 style="font-size:16px;margin:0 0 8px">Gate pass</h2>
${passToken ? `<img src="cid:${QR_CID}" width="220" height="220" alt="QR gate pass for spot ${esc(r.spotLabel)} at ${esc(r.lotName)}" style="display:block;margin:0 auto 8px;background:#fff">` : ""}
<table role="presentation" style="border-collapse:collapse;font-size:15px">${pass.map(([k, v]) => row(k, v)).join("")}</table>
<p style="margin:8px 0 0;font-size:14px">${esc(gateNote)}</p>
</div>
<h2 style="font-size:16px">Receipt</h2>
<table role="presentation" style="border-collapse:collapse;width:100%;font-size:14px">
${receiptLines.map(([k, v]) => `<tr><td style="padding:4px 0">${esc(k)}</td><td align="right" style="padding:4px 0">${esc(v)}</td></tr>`).join("")}
<tr><th align="left" style="padding:8px 0;border-top:1px solid #ccc">Total paid</th><th align="right" style="padding:8px 0;border-top:1px solid #ccc">${esc(money(receipt.net))}</th></tr>
</table>
<p><a href="${esc(bookingUrl)}">Manage, extend or cancel your booking</a>. The attached .ics file adds it to your calendar.</p>
</body></html>`;

  const attachments: ConfirmationEmail["attachments"] = [
    {
      filename: `spotkeeper-${r.spotLabel}.ics`,
      contentType: "text/calendar; charset=utf-8; method=PUBLISH",
      content: bookingIcs(r, bookingUrl),
    },
  ];
  if (passToken) {
    // A wide quiet zone (4 modules): some scanners miss a code printed or shown edge to edge.
    const png = await QRCode.toBuffer(passToken, { errorCorrectionLevel: "M", margin: 4, width: 440, type: "png" });
    attachments.unshift({
      filename: `spotkeeper-pass-${r.spotLabel}.png`,
      contentType: "image/png",
      content: png,
      cid: QR_CID,
    });
  }
  return { subject: `Booked: ${r.lotName}, spot ${r.spotLabel}, ${when}`, text, html, attachments };
}

type SendOutcome = "sent" | "not_configured" | "not_due" | "failed";

/**
 * Sends one booking's confirmation if it is still owed: SMTP configured, the booking paid and not
 * cancelled, and no one sent or is sending it. Never throws for a mail failure: it is recorded on
 * the outbox row (last_error) and retried after a back-off.
 */
export async function sendConfirmationEmail(db: Db, reservationId: string, now = new Date()): Promise<SendOutcome> {
  const smtp = smtpUrl();
  if (!smtp) return "not_configured";
  const r = await myReservation(db, reservationId);
  if (!r || (r.status !== "confirmed" && r.status !== "checked_in")) return "not_due";
  const claim = await claimEmail(
    db,
    reservationId,
    "confirmation",
    now,
    new Date(now.getTime() + LEASE_MS),
    MAX_ATTEMPTS,
  );
  if (!claim) return "not_due";
  try {
    const [lot, ledger, user] = await Promise.all([
      findLot(db, r.lotId),
      ledgerFor(db, r.id),
      findUserById(db, r.userId),
    ]);
    const token = await passTokenIfConfigured(r, lot!);
    const mail = await composeConfirmationEmail(r, ledger, token, `${siteUrl()}/reservations/${r.id}`);
    const { createTransport } = await import("nodemailer");
    const transport = createTransport({
      url: smtp,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
    try {
      await transport.sendMail({
        from: process.env.SMTP_FROM ?? "Spotkeeper <no-reply@spotkeeper.invalid>",
        to: user!.name ? { name: user!.name, address: user!.email } : user!.email,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        attachments: mail.attachments,
        // Stable per booking: should a crash between sending and recording make the sweep send it
        // again, mail clients recognise the same message.
        messageId: `<confirmation.${r.id}@spotkeeper>`,
      });
    } finally {
      transport.close();
    }
    await markEmailSent(db, reservationId, "confirmation", new Date());
    return "sent";
  } catch (err) {
    const delay = BACKOFF_MS[Math.min(claim.attempts - 1, BACKOFF_MS.length - 1)]!;
    console.warn(
      `[spotkeeper] booking confirmation e-mail for ${reservationId} not sent (attempt ${claim.attempts} of ${MAX_ATTEMPTS}):`,
      (err as Error).message,
    );
    await markEmailFailed(db, reservationId, "confirmation", (err as Error).message, new Date(now.getTime() + delay));
    return "failed";
  }
}

/** The signed pass for the QR code, or null on a server without a QR signing key (plates still open the gates). */
async function passTokenIfConfigured(r: MyReservation, lot: { gateEntryMarginMinutes: number }) {
  try {
    return (await signPass(r, lot)).token;
  } catch (err) {
    if (isApiError(err) && err.code === "not_configured") return null;
    throw err;
  }
}

/** The sweep's part: every confirmation still owed and due for an attempt (lost after-commit sends, failures past their back-off). */
export async function sendDueConfirmationEmails(db: Db, now: Date): Promise<string[]> {
  if (!smtpUrl()) return [];
  const sent: string[] = [];
  for (const id of await confirmationEmailsDue(db, now, new Date(now.getTime() - CATCH_UP_MS), MAX_ATTEMPTS, 50)) {
    if ((await sendConfirmationEmail(db, id, now)) === "sent") sent.push(id);
  }
  return sent;
}

// The after-commit sends in flight: a payment's answer does not wait for a mail server.
const mails = backgroundWork("mail");

/**
 * The lifecycle effect: a booking that has just become confirmed (paid) gets its e-mail, sent in
 * the background so the driver's payment answer never waits on SMTP. Should this process stop
 * first, the sweep finds the unsent e-mail in the database.
 */
export async function confirmationEmailEffect(db: Db, changes: LifecycleChange[]) {
  if (!smtpUrl()) return;
  for (const c of changes) {
    if (c.kind !== "transition" || c.to !== "confirmed") continue;
    mails.start(
      sendConfirmationEmail(db, c.reservationId).catch((err) =>
        console.warn("[spotkeeper] booking e-mail:", (err as Error).message),
      ),
    );
  }
}

/** Resolves when no after-commit e-mail is being sent (tests wait on it). */
export const bookingEmailsIdle = mails.idle;
