import { createServer, type Socket } from "node:net";

// A tiny SMTP server (RFC 5321's commands a mail client sends, no TLS) that keeps every message it
// is given, so tests can check what the app really sent over the wire: start(port) → { messages, stop }.
// Any AUTH PLAIN / LOGIN is accepted and recorded; port 0 picks a free port (see `port`).
// `rejectNext(n)` makes the next n messages fail with a 451 after DATA, as a mail server with a
// passing fault does, so retries can be tested.

export type SinkMessage = {
  /** The envelope: MAIL FROM and RCPT TO addresses. */
  from: string;
  to: string[];
  /** The user name of an AUTH the client sent, if any. */
  user: string | null;
  /** The message as sent (headers and body, dot-stuffing undone). */
  raw: string;
  /** Header names lower-cased; folded lines unfolded. */
  headers: Record<string, string>;
  /** The body, decoded from quoted-printable or base64 when the message says it is. */
  text: string;
};

export type SmtpSink = {
  port: number;
  /** smtp://127.0.0.1:<port>, for SMTP_URL. */
  url: string;
  messages: SinkMessage[];
  /** The next `n` messages are refused with a 451 after their data arrives. */
  rejectNext: (n: number) => void;
  stop: () => Promise<void>;
};

const address = (arg: string) => /<([^>]*)>/.exec(arg)?.[1] ?? arg.trim();

function parse(raw: string): Pick<SinkMessage, "headers" | "text"> {
  const split = raw.indexOf("\r\n\r\n");
  const head = split < 0 ? raw : raw.slice(0, split);
  const body = split < 0 ? "" : raw.slice(split + 4);
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r\n[ \t]+/g, " ").split("\r\n")) {
    const i = line.indexOf(":");
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  const encoding = headers["content-transfer-encoding"]?.toLowerCase();
  const text =
    encoding === "quoted-printable"
      ? Buffer.from(
          body
            .replace(/=\r\n/g, "")
            .replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
          "latin1",
        ).toString("utf8")
      : encoding === "base64"
        ? Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8")
        : body;
  return { headers, text };
}

function session(socket: Socket, messages: SinkMessage[], faults: { rejecting: number }) {
  let buffer = "";
  let from = "";
  let to: string[] = [];
  let user: string | null = null;
  let data: string[] | null = null;
  let auth: "login-user" | "login-pass" | "plain" | null = null;
  const reply = (line: string) => socket.write(`${line}\r\n`);

  const command = (line: string) => {
    if (data) {
      if (line === ".") {
        const raw = data.join("\r\n");
        const refused = faults.rejecting > 0;
        if (refused) faults.rejecting--;
        else messages.push({ from, to, user, raw, ...parse(raw) });
        data = null;
        from = "";
        to = [];
        return reply(refused ? "451 4.3.0 Temporary failure, try again later" : "250 2.0.0 Queued");
      }
      data.push(line.startsWith("..") ? line.slice(1) : line);
      return;
    }
    if (auth) {
      const decoded = Buffer.from(line, "base64").toString("utf8");
      if (auth === "login-user") {
        user = decoded;
        auth = "login-pass";
        return reply("334 UGFzc3dvcmQ6");
      }
      if (auth === "plain") user = decoded.split("\0")[1] ?? null;
      auth = null;
      return reply("235 2.7.0 Authentication successful");
    }
    const [verb = "", ...rest] = line.split(" ");
    const arg = rest.join(" ");
    switch (verb.toUpperCase()) {
      case "EHLO":
        return socket.write("250-smtp-sink\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 AUTH PLAIN LOGIN\r\n");
      case "HELO":
        return reply("250 smtp-sink");
      case "AUTH": {
        const [mechanism, initial] = arg.split(" ");
        if (mechanism?.toUpperCase() === "PLAIN") {
          if (initial) {
            user = Buffer.from(initial, "base64").toString("utf8").split("\0")[1] ?? null;
            return reply("235 2.7.0 Authentication successful");
          }
          auth = "plain";
          return reply("334 ");
        }
        if (mechanism?.toUpperCase() === "LOGIN") {
          if (initial) {
            user = Buffer.from(initial, "base64").toString("utf8");
            auth = "login-pass";
            return reply("334 UGFzc3dvcmQ6");
          }
          auth = "login-user";
          return reply("334 VXNlcm5hbWU6");
        }
        return reply("504 5.5.4 Unrecognized authentication type");
      }
      case "MAIL":
        from = address(arg.replace(/^FROM:/i, ""));
        return reply("250 2.1.0 OK");
      case "RCPT":
        to.push(address(arg.replace(/^TO:/i, "")));
        return reply("250 2.1.5 OK");
      case "DATA":
        if (!to.length) return reply("503 5.5.1 RCPT first");
        data = [];
        return reply("354 End data with <CR><LF>.<CR><LF>");
      case "RSET":
        from = "";
        to = [];
        return reply("250 2.0.0 OK");
      case "NOOP":
        return reply("250 2.0.0 OK");
      case "QUIT":
        reply("221 2.0.0 Bye");
        return socket.end();
      default:
        return reply("502 5.5.2 Command not implemented");
    }
  };

  socket.setEncoding("utf8");
  socket.on("data", (chunk: string) => {
    buffer += chunk;
    let i: number;
    while ((i = buffer.indexOf("\r\n")) >= 0) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 2);
      command(line);
    }
  });
  socket.on("error", () => {}); // a client that hangs up mid-session is not the sink's failure
  reply("220 smtp-sink ESMTP");
}

export async function start(port = 0): Promise<SmtpSink> {
  const messages: SinkMessage[] = [];
  const faults = { rejecting: 0 };
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    session(socket, messages, faults);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const actual = (server.address() as { port: number }).port;
  return {
    port: actual,
    url: `smtp://127.0.0.1:${actual}`,
    messages,
    rejectNext: (n) => {
      faults.rejecting = n;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
