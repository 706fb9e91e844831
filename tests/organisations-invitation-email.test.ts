import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { POST as inviteRoute } from "@/app/v1/organisations/[id]/invitations/route";
import { POST as acceptRoute } from "@/app/v1/invitations/accept/route";
import { apiRequest, createOrganisationWithOwner, createUser, routeContext, type TestUser } from "./fixtures";
import { parseEnv } from "@/lib/env";
import { start, type SmtpSink } from "./support/smtp-sink";

// Invitations by link are e-mailed when SMTP_URL is set: checked against a real SMTP conversation
// (tests/support/smtp-sink.ts), then the link from the e-mail is accepted. When the mail server
// is gone, the invitation is still made and its link shown to the owner.
const PORT = 3762;
let sink: SmtpSink;
let organisationId: string;
let owner: TestUser;

beforeAll(async () => {
  sink = await start(PORT);
  process.env.SMTP_URL = `smtp://mailer:s3cret@127.0.0.1:${PORT}`;
  process.env.SMTP_FROM = "Spotkeeper <invites@spotkeeper.test>";
  ({ organisationId, owner } = await createOrganisationWithOwner());
});

afterAll(async () => {
  delete process.env.SMTP_URL;
  delete process.env.SMTP_FROM;
  await sink?.stop();
});

const invite = (body: unknown) =>
  inviteRoute(
    apiRequest("POST", `/v1/organisations/${organisationId}/invitations`, { token: owner.token, body }),
    routeContext({ id: organisationId }),
  );

describe("invitation e-mails", () => {
  it("e-mails the link to the invitee over SMTP, and the link from the e-mail joins the organisation", async () => {
    const invitee = await createUser("driver");
    const res = await invite({ role: "manager", email: invitee.email.toUpperCase() });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { url: string; emailed: boolean };
    expect(created.emailed).toBe(true);

    const mails = sink.messages.filter((m) => m.to.includes(invitee.email));
    expect(mails).toHaveLength(1);
    const mail = mails[0]!;
    expect(mail.user).toBe("mailer"); // authenticated with SMTP_URL's credentials
    expect(mail.from).toBe("invites@spotkeeper.test");
    expect(mail.headers["reply-to"]).toContain(owner.email);
    expect(mail.headers.subject).toMatch(/invited you to Org /);
    expect(mail.text).toContain("as manager");
    expect(mail.text).toContain(created.url);

    const token = new URL(/https?:\/\/\S+/.exec(mail.text)![0]).searchParams.get("token")!;
    const accepted = await acceptRoute(
      apiRequest("POST", "/v1/invitations/accept", { token: invitee.token, body: { token } }),
      routeContext(),
    );
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toMatchObject({ organisation_id: organisationId, role: "manager" });
  });

  it("sends nothing for an invitation without an address: the owner passes the link on", async () => {
    const before = sink.messages.length;
    const res = await invite({ role: "attendant" });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ emailed: false });
    expect(sink.messages.length).toBe(before);
  });

  it("still makes the invitation and shows its link when the mail server is down", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    await sink.stop();
    try {
      const res = await invite({ role: "attendant", email: `late-${Date.now()}@test.spotkeeper.dev` });
      expect(res.status).toBe(201);
      const created = (await res.json()) as { url: string; emailed: boolean };
      expect(created.emailed).toBe(false);
      expect(created.url).toMatch(/\/organisation\/join\?token=inv_/);
      expect(warn.mock.calls.some(([m]) => String(m).includes("invitation e-mail not sent"))).toBe(true);
    } finally {
      warn.mockRestore();
      sink = await start(PORT);
    }
  });

  it("refuses a server started with an SMTP_URL that is not an SMTP URL, naming the variable", () => {
    expect(() => parseEnv({ SMTP_URL: "mail.example.com:587" }, { serving: false })).toThrow(
      /SMTP_URL must be a URL like smtp:\/\//,
    );
    expect(() => parseEnv({ SMTP_URL: "https://mail.example.com" }, { serving: false })).toThrow(/SMTP_URL/);
    expect(parseEnv({ SMTP_URL: "smtps://u:p@mail.example.com:465" }, { serving: false }).SMTP_URL).toBe(
      "smtps://u:p@mail.example.com:465",
    );
  });
});
