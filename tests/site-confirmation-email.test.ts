import { eq } from "drizzle-orm";
import QRCode from "qrcode";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { findLot } from "@/db/queries/lots";
import { findReservation } from "@/db/queries/reservations";
import { reservationEmails } from "@/db/schema";
import { formatRange, formatMoney } from "@/components/format";
import { signPass } from "@/lib/gates/pass-token";
import { bookingEmailsIdle, sendConfirmationEmail } from "@/lib/mail/booking-confirmation";
import { createInProcessScheduler } from "@/lib/workflows/in-process-scheduler";
import { at, createTestLot, createUser, type TestUser } from "./fixtures";
import { paidPlateBooking, uniquePlate, useQrSigningKey } from "./support/gates";
import { start, type SinkMessage, type SmtpSink } from "./support/smtp-sink";
import { statusOf, useOwnDatabase, useStripe } from "./support/workflows";

// The booking confirmation e-mail, through nodemailer to a real SMTP server on localhost. The
// sweep that retries it covers the whole database, so this file has its own.
await useOwnDatabase();
useStripe();
useQrSigningKey();

let sink: SmtpSink;
let driver: TestUser;
beforeAll(async () => {
  sink = await start();
  driver = await createUser("driver");
});
beforeEach(() => {
  process.env.SMTP_URL = sink.url;
  process.env.SMTP_FROM = "Spotkeeper <bookings@spotkeeper.test>";
});
afterAll(async () => {
  await bookingEmailsIdle();
  await sink.stop();
  delete process.env.SMTP_URL;
  delete process.env.SMTP_FROM;
});

// --- reading what arrived: a small MIME reader, enough for nodemailer's output ---
type Part = { headers: Map<string, string>; body: string };
function parsePart(raw: string): Part {
  const split = raw.indexOf("\r\n\r\n");
  const headers = new Map<string, string>();
  for (const line of raw
    .slice(0, split)
    .replace(/\r\n[ \t]+/g, " ")
    .split("\r\n")) {
    const colon = line.indexOf(":");
    headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body: raw.slice(split + 4) };
}
function leaves(part: Part): Part[] {
  const boundary = /boundary="?([^";]+)"?/.exec(part.headers.get("content-type") ?? "")?.[1];
  if (!boundary) return [part];
  return part.body
    .split(`--${boundary}`)
    .slice(1, -1)
    .flatMap((s) => leaves(parsePart(s.replace(/^\r\n/, ""))));
}
const qp = (s: string) =>
  Buffer.from(
    s.replace(/=\r\n/g, "").replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
    "latin1",
  );
function decode(p: Part): Buffer {
  const enc = p.headers.get("content-transfer-encoding");
  if (enc === "base64") return Buffer.from(p.body.replace(/\s/g, ""), "base64");
  if (enc === "quoted-printable") return qp(p.body);
  return Buffer.from(p.body);
}
/** RFC 2047 words ("=?UTF-8?Q?…?="), as a subject with a dash arrives. */
const words = (s: string) =>
  s.replace(/=\?utf-8\?([QB])\?([^?]*)\?=\s*/gi, (_, enc: string, text: string) =>
    (enc.toUpperCase() === "B" ? Buffer.from(text, "base64") : qp(text.replace(/_/g, " "))).toString("utf8"),
  );
function read(m: SinkMessage) {
  const top = parsePart(m.raw);
  const parts = leaves(top);
  const byType = (t: string) => parts.find((p) => p.headers.get("content-type")?.startsWith(t));
  return {
    subject: words(top.headers.get("subject") ?? ""),
    headers: top.headers,
    text: decode(byType("text/plain")!).toString("utf8"),
    html: decode(byType("text/html")!).toString("utf8"),
    png: byType("image/png"),
    ics: byType("text/calendar"),
  };
}
const messagesTo = (email: string) => sink.messages.filter((m) => m.to.includes(email));

describe("the booking confirmation e-mail", () => {
  it("is sent once after payment: the pass (QR, lot, spot, times, plate), times on the lot's clock, the receipt and the .ics", async () => {
    const db = await getDb();
    const lot = await createTestLot({ counts: { compact: 2 }, time_zone: "America/New_York", currency: "USD" });
    const plate = uniquePlate();
    const booking = await paidPlateBooking(driver, lot.id, at(2, 14), at(2, 17), plate);
    await bookingEmailsIdle();

    const [message, ...more] = messagesTo(driver.email);
    expect(more).toEqual([]);
    expect(message!.from).toBe("bookings@spotkeeper.test");
    const mail = read(message!);
    const when = formatRange(at(2, 14), at(2, 17), "America/New_York");
    expect(mail.subject).toBe(`Booked: ${lot.name}, spot ${booking.spot_label}, ${when}`);
    expect(mail.headers.get("message-id")).toBe(`<confirmation.${booking.reservation_id}@spotkeeper>`);
    for (const body of [mail.text, mail.html]) {
      expect(body).toContain(lot.name);
      expect(body).toContain(booking.spot_label);
      expect(body).toContain(plate);
      expect(body).toContain(formatMoney(booking.amount, "USD")); // the receipt's total
    }
    // 14:00–17:00 UTC is 9 or 10 in the morning in New York: the lot's clock, with its zone named.
    expect(mail.text).toContain(`When: ${when}`);
    expect(mail.text).toMatch(/Time zone: Eastern (Standard|Daylight) Time/);
    expect(mail.text).toContain(`Total paid: ${formatMoney(booking.amount, "USD")}`);

    // The QR image is the gate pass itself: the same signed token the pass endpoint issues.
    const r = (await findReservation(db, booking.reservation_id))!;
    const { token } = await signPass(r, (await findLot(db, lot.id))!);
    const expected = await QRCode.toBuffer(token, { errorCorrectionLevel: "M", margin: 4, width: 440, type: "png" });
    expect(decode(mail.png!).equals(expected)).toBe(true);
    expect(mail.png!.headers.get("content-id")).toBe("<pass-qr@spotkeeper>");
    expect(mail.html).toContain('src="cid:pass-qr@spotkeeper"');
    const ics = decode(mail.ics!).toString("utf8");
    expect(ics).toContain(`UID:${booking.reservation_id}@spotkeeper`);
    expect(ics).toContain(
      `DTSTART:${at(2, 14)
        .toISOString()
        .replace(/[-:]/g, "")
        .replace(/\.\d{3}/, "")}`,
    );

    // Recorded as sent: a retried effect and the sweep send nothing more.
    expect(await sendConfirmationEmail(db, booking.reservation_id)).toBe("not_due");
    const scheduler = createInProcessScheduler({ getDb, intervalMs: 10 });
    expect((await scheduler.sweep()).emailsSent).toEqual([]);
    expect(messagesTo(driver.email)).toHaveLength(1);
    const [row] = await db
      .select()
      .from(reservationEmails)
      .where(eq(reservationEmails.reservationId, booking.reservation_id));
    expect(row).toMatchObject({ kind: "confirmation", attempts: 1, lastError: null });
    expect(row!.sentAt).toBeInstanceOf(Date);
  });

  it("never fails the booking when the mail server refuses: the sweep retries after the back-off, once", async () => {
    const db = await getDb();
    const other = await createUser("driver");
    const lot = await createTestLot({ counts: { compact: 1 } });
    sink.rejectNext(1);
    const booking = await paidPlateBooking(other, lot.id, at(3, 9), at(3, 10), uniquePlate());
    await bookingEmailsIdle();
    expect(await statusOf(other, booking.reservation_id)).toBe("confirmed");
    expect(messagesTo(other.email)).toEqual([]);
    const [failed] = await db
      .select()
      .from(reservationEmails)
      .where(eq(reservationEmails.reservationId, booking.reservation_id));
    expect(failed).toMatchObject({ attempts: 1, sentAt: null });
    expect(failed!.lastError).toContain("451");

    let clock = new Date();
    const scheduler = createInProcessScheduler({ getDb, now: () => clock, intervalMs: 10 });
    // Still backing off: nothing yet.
    expect((await scheduler.sweep()).emailsSent).toEqual([]);
    clock = new Date(Date.now() + 61_000);
    expect((await scheduler.sweep()).emailsSent).toEqual([booking.reservation_id]);
    expect((await scheduler.sweep()).emailsSent).toEqual([]);
    expect(messagesTo(other.email)).toHaveLength(1);
    expect(read(messagesTo(other.email)[0]!).subject).toContain(booking.spot_label);
  });

  it("is sent by exactly one of several senders racing for it (a lost after-commit send, the sweep, a retry)", async () => {
    const db = await getDb();
    const other = await createUser("driver");
    const lot = await createTestLot({ counts: { compact: 1 } });
    delete process.env.SMTP_URL; // paid while this server had no SMTP: nothing sent, nothing claimed
    const booking = await paidPlateBooking(other, lot.id, at(4, 9), at(4, 10), uniquePlate());
    await bookingEmailsIdle();
    expect(
      await db.select().from(reservationEmails).where(eq(reservationEmails.reservationId, booking.reservation_id)),
    ).toEqual([]);

    process.env.SMTP_URL = sink.url;
    const scheduler = createInProcessScheduler({ getDb, intervalMs: 10 });
    const outcomes = await Promise.all([
      sendConfirmationEmail(db, booking.reservation_id),
      sendConfirmationEmail(db, booking.reservation_id),
      scheduler.sweep().then((s) => (s.emailsSent.includes(booking.reservation_id) ? "sent" : "not_due")),
    ]);
    expect(outcomes.filter((o) => o === "sent")).toHaveLength(1);
    expect(messagesTo(other.email)).toHaveLength(1);
  });
});
