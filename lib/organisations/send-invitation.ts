import "server-only";

/**
 * E-mails an invitation link when SMTP_URL is configured (smtp://user:pass@host:587); without it the
 * owner is shown the link and passes it on. A mail that fails is reported, never blocks the invitation.
 */
export async function sendInvitationEmail(to: string, url: string, from: { email: string; name?: string }, expiresAt: Date): Promise<boolean> {
  const smtp = process.env.SMTP_URL;
  if (!smtp) return false;
  try {
    const { createTransport } = await import("nodemailer");
    const transport = createTransport(smtp);
    await transport.sendMail({
      from: process.env.SMTP_FROM ?? "Spotkeeper <no-reply@spotkeeper.invalid>",
      replyTo: from.email,
      to,
      subject: `${from.name ?? from.email} invited you to run parking lots on Spotkeeper`,
      text: `${from.name ?? from.email} invited you to join their organisation on Spotkeeper.\n\nAccept before ${expiresAt.toUTCString()}: ${url}\n\nIf you did not expect this, ignore this e-mail.`,
    });
    return true;
  } catch (err) {
    console.warn("[spotkeeper] invitation e-mail not sent:", (err as Error).message);
    return false;
  }
}
