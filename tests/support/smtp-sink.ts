import { createServer, type AddressInfo, type Socket } from "node:net";

/**
 * A real SMTP server on localhost (node:net) that keeps every message it accepts, for tests of
 * anything Spotkeeper e-mails (booking confirmations, invitations). It speaks enough of RFC 5321
 * for nodemailer's SMTP transport: EHLO/HELO, MAIL, RCPT, DATA (with dot-unstuffing), RSET, NOOP,
 * QUIT; no TLS, no auth. `rejectNext(n)` makes the next n messages fail with a 451 after DATA, as a
 * mail server with a passing fault does, so retries can be tested.
 */
export type SinkMessage = { from: string; to: string[]; raw: string };

export async function start(port = 0) {
  const messages: SinkMessage[] = [];
  const sockets = new Set<Socket>();
  let rejecting = 0;

  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.setEncoding("utf8");
    let buffer = "";
    let inData = false;
    let envelope: { from: string; to: string[] } = { from: "", to: [] };
    const reply = (line: string) => socket.write(`${line}\r\n`);
    reply("220 smtp-sink.test ESMTP ready");

    socket.on("data", (chunk: string) => {
      buffer += chunk;
      for (;;) {
        if (inData) {
          const end = buffer.indexOf("\r\n.\r\n");
          if (end === -1) return;
          // Lines a client started with a dot were sent with a second one (RFC 5321 4.5.2).
          const raw = buffer.slice(0, end + 2).replace(/^\.\./gm, ".");
          buffer = buffer.slice(end + 5);
          inData = false;
          if (rejecting > 0) {
            rejecting--;
            reply("451 4.3.0 Temporary failure, try again later");
          } else {
            messages.push({ ...envelope, raw });
            reply("250 2.0.0 Queued");
          }
          envelope = { from: "", to: [] };
          continue;
        }
        const eol = buffer.indexOf("\r\n");
        if (eol === -1) return;
        const line = buffer.slice(0, eol);
        buffer = buffer.slice(eol + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === "EHLO") socket.write("250-smtp-sink.test\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE 52428800\r\n");
        else if (verb === "HELO") reply("250 smtp-sink.test");
        else if (verb === "MAIL") {
          envelope = { from: /<([^>]*)>/.exec(line)?.[1] ?? "", to: [] };
          reply("250 2.1.0 OK");
        } else if (verb === "RCPT") {
          envelope.to.push(/<([^>]*)>/.exec(line)?.[1] ?? "");
          reply("250 2.1.5 OK");
        } else if (verb === "DATA") {
          inData = true;
          reply("354 End data with <CR><LF>.<CR><LF>");
        } else if (verb === "RSET") {
          envelope = { from: "", to: [] };
          reply("250 2.0.0 OK");
        } else if (verb === "NOOP") reply("250 2.0.0 OK");
        else if (verb === "QUIT") {
          reply("221 2.0.0 Bye");
          socket.end();
          return;
        } else reply("502 5.5.2 Command not implemented");
      }
    });
    socket.on("error", () => {});
  });

  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const bound = (server.address() as AddressInfo).port;
  return {
    port: bound,
    /** smtp://127.0.0.1:<port>, for SMTP_URL. */
    url: `smtp://127.0.0.1:${bound}`,
    messages,
    /** The next `n` messages are refused with a 451 after their data arrives. */
    rejectNext(n: number) {
      rejecting = n;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export type SmtpSink = Awaited<ReturnType<typeof start>>;
