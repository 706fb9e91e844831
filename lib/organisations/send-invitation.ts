import "server-only";

export type InvitationMail = {
  to: string;
  url: string;
  inviter: { email: string; name?: string };
  organisationName: string;
  role: string;
  expiresAt: Date;
};

/**
 * E-mails an invitation link when SMTP_URL is configured (smtp://user:pass@host:587); without it the
 * owner is shown the link and passes it on. A mail that fails is reported, never blocks the invitation.
 */
export async function sendInvitationEmail(mail: InvitationMail): Promise<boolean> {
  const smtp = process.env.SMTP_URL;
  if (!smtp) return false;
  const who = mail.inviter.name ?? mail.inviter.email;
  try {
    const { createTransport } = await import("nodemailer");
    // nodemailer waits up to two minutes for a server that does not answer; the owner is waiting
    // on this form, and the link is shown to them anyway when the mail cannot go.
    const transport = createTransport({
      url: smtp,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
    });
    await transport.sendMail({
      from: process.env.SMTP_FROM ?? "Spotkeeper <no-reply@spotkeeper.invalid>",
      replyTo: mail.inviter.email,
      to: mail.to,
      subject: `${who} invited you to ${mail.organisationName} on Spotkeeper`,
      text: [
        `${who} invited you to join ${mail.organisationName} on Spotkeeper as ${mail.role}.`,
        "",
        `Accept before ${mail.expiresAt.toUTCString()}:`,
        mail.url,
        "",
        "If you did not expect this, ignore this e-mail: nothing happens until the link is opened by someone signed in.",
      ].join("\n"),
    });
    return true;
  } catch (err) {
    console.warn("[spotkeeper] invitation e-mail not sent:", (err as Error).message);
    return false;
  }
}
