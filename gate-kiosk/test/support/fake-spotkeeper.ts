import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  CompactSign,
  exportJWK,
  generateKeyPair,
  jwtVerify,
  createLocalJWKSet,
  SignJWT,
  type CryptoKey,
  type JWK,
} from "jose";

/**
 * A stand-in for the Spotkeeper gates API, written to the contract the bridge codes against:
 * gate-secret auth, check-in/out with exactly-once event ids, a signed offline cache, the public
 * JWKS, QR passes signed with Ed25519, and operator commands. Tests steer it: make it slow, stop
 * it (connections refused), hold one request, or look at what it recorded.
 */
export interface FakeReservation {
  reservation_id: string;
  plate: string;
  spot_label: string;
  level: string;
  valid_from: number;
  valid_until: number;
}

export interface RecordedEvent {
  path: "check-in" | "check-out";
  body: Record<string, unknown>;
  answer: Record<string, unknown>;
}

const MIN_CONFIDENCE = 0.7;

export class FakeSpotkeeper {
  readonly lotId: string;
  readonly gateId: string;
  readonly secret: string;
  readonly kid = "pass-2026-01";
  readonly reservations: FakeReservation[] = [];
  /** Every event id the server recorded, once each, with the first answer. */
  readonly events = new Map<string, RecordedEvent>();
  /** Every check-in/out request that arrived (repeats included), in order. */
  readonly requests: { path: string; body: Record<string, unknown> }[] = [];
  readonly commands: { id: string; type: string; reason?: string; by?: string }[] = [];
  readonly acked: string[] = [];
  /** Acknowledgement bodies ({result, failure}) by command id. */
  readonly ackBodies = new Map<string, Record<string, unknown>>();
  /** Reports of what the barrier did (POST /v1/gates/reports). */
  readonly reports: Record<string, unknown>[] = [];
  /** Reservations the offline cache lists as revoked / inside. */
  readonly revoked = new Set<string>();
  readonly inside = new Set<string>();
  /** The gate's record as the server keeps it (GET /v1/gates/self). */
  direction: "entry" | "exit" = "entry";
  /** Health reports from the pairing checks, newest last. */
  readonly selfChecks: Record<string, string>[] = [];
  /** Offline cache requests, with their `since` (null for a full copy). */
  readonly cacheRequests: (string | null)[] = [];
  /** Added to every check-in/out answer, after the event is recorded (a slow database). */
  delayMs = 0;
  /** Awaited after the event is recorded and before answering (to kill a client mid-request). */
  hold: ((body: Record<string, unknown>) => Promise<void> | undefined) | null = null;
  payments: "up" | "down" = "up";
  private server: Server | null = null;
  private port = 0;
  private keys!: { privateKey: CryptoKey; publicJwk: JWK };

  constructor(options: { lotId?: string; gateId?: string; secret?: string; direction?: "entry" | "exit" } = {}) {
    if (options.direction) this.direction = options.direction;
    this.lotId = options.lotId ?? randomUUID();
    this.gateId = options.gateId ?? randomUUID();
    this.secret = options.secret ?? `gk_${randomUUID().replaceAll("-", "")}`;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (!this.keys) {
      const { privateKey, publicKey } = await generateKeyPair("EdDSA", { crv: "Ed25519" });
      this.keys = {
        privateKey,
        publicJwk: { ...(await exportJWK(publicKey)), kid: this.kid, alg: "EdDSA", use: "sig" },
      };
    }
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err) => {
        res
          .writeHead(500, { "content-type": "application/json" })
          .end(JSON.stringify({ error: { code: "internal", message: String(err) } }));
      });
    });
    // The same port on a restart, as a real server coming back would have.
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, "127.0.0.1", () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Goes away like a crashed server: the port refuses connections until start() again. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  addReservation(r: Partial<FakeReservation> & { plate: string }): FakeReservation {
    const now = Date.now();
    const full: FakeReservation = {
      reservation_id: randomUUID(),
      spot_label: "B-12",
      level: "2",
      valid_from: now - 15 * 60_000,
      valid_until: now + 2 * 3600_000,
      ...r,
    };
    this.reservations.push(full);
    return full;
  }

  /** A QR pass as the server issues it; `signWith: "rogue"` signs with a key the server never published. */
  async issuePass(
    claims: { rid: string; spot_label?: string; lot?: string; nbf?: number; exp?: number },
    options: { signWith?: "server" | "rogue" } = {},
  ): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const key =
      options.signWith === "rogue"
        ? (await generateKeyPair("EdDSA", { crv: "Ed25519" })).privateKey
        : this.keys.privateKey;
    return new SignJWT({ rid: claims.rid, lot: claims.lot ?? this.lotId, spot_label: claims.spot_label ?? "B-12" })
      .setProtectedHeader({ alg: "EdDSA", kid: this.kid, typ: "spotkeeper-pass+jwt" })
      .setNotBefore(claims.nbf ?? now - 60)
      .setExpirationTime(claims.exp ?? now + 3600)
      .sign(key);
  }

  requestsFor(eventId: string) {
    return this.requests.filter((r) => r.body.event_id === eventId);
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const path = new URL(req.url ?? "/", this.url).pathname;
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.method === "GET" && path === "/v1/gates/keys") return reply(200, { keys: [this.keys.publicJwk] });
    if (req.headers.authorization !== `Bearer ${this.secret}`) {
      return reply(401, { error: { code: "unauthorized", message: "gate credential required" } });
    }
    // Every gate response says whether the payment processor is up, so the kiosk band follows within a poll.
    res.setHeader("x-spotkeeper-payments", this.payments);
    const url = new URL(req.url ?? "/", this.url);
    if (req.method === "GET" && path === "/v1/gates/self") {
      const q = Object.fromEntries(url.searchParams);
      this.selfChecks.push(q);
      if (q.lot_id && q.lot_id !== this.lotId)
        return reply(409, { error: { code: "conflict", message: "This gate belongs to another lot" } });
      if (q.direction && q.direction !== this.direction)
        return reply(409, {
          error: {
            code: "conflict",
            message: `This is an ${this.direction} gate`,
            details: { direction: this.direction },
          },
        });
      return reply(200, {
        gate_id: this.gateId,
        lot_id: this.lotId,
        name: "Gate",
        direction: this.direction,
        server_time: new Date().toISOString(),
      });
    }
    if (req.method === "GET" && path === "/v1/gates/offline-cache") {
      const since = url.searchParams.get("since");
      this.cacheRequests.push(since);
      return reply(200, await this.offlineCache(since));
    }
    if (req.method === "POST" && path === "/v1/gates/reports") {
      this.reports.push(JSON.parse(await readBody(req)) as Record<string, unknown>);
      return reply(200, { ok: true });
    }
    if (req.method === "GET" && path === "/v1/gates/commands") {
      // The server's list envelope and GateCommand shape (the contract sketched {id, type, reason, by}).
      const data = this.commands
        .filter((c) => !this.acked.includes(c.id))
        .map((c) => ({
          command_id: c.id,
          gate_id: this.gateId,
          command: c.type,
          reason: c.reason ?? "",
          issued_at: new Date().toISOString(),
          issued_by: c.by ?? "",
          acked_at: null,
        }));
      return reply(200, { data, next_cursor: null });
    }
    const ack = /^\/v1\/gates\/commands\/([^/]+)\/ack$/.exec(path);
    if (req.method === "POST" && ack) {
      this.acked.push(decodeURIComponent(ack[1]!));
      this.ackBodies.set(decodeURIComponent(ack[1]!), JSON.parse(await readBody(req)) as Record<string, unknown>);
      return reply(200, { ok: true });
    }
    if (req.method === "POST" && (path === "/v1/gates/check-in" || path === "/v1/gates/check-out")) {
      const body = JSON.parse(await readBody(req)) as Record<string, unknown>;
      const kind = path.endsWith("check-in") ? "check-in" : "check-out";
      this.requests.push({ path: kind, body });
      if (body.lot_id !== this.lotId || body.gate_id !== this.gateId) {
        return reply(403, { error: { code: "forbidden", message: "a gate acts only for its own lot" } });
      }
      const eventId = typeof body.event_id === "string" ? body.event_id : randomUUID();
      let recorded = this.events.get(eventId);
      if (!recorded) {
        const answer = { ...(kind === "check-in" ? await this.checkIn(body) : this.checkOut()), event_id: eventId };
        recorded = { path: kind, body, answer };
        this.events.set(eventId, recorded);
      }
      await this.hold?.(body);
      if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
      return reply(200, recorded.answer);
    }
    reply(404, { error: { code: "not_found", message: path } });
  }

  private async checkIn(body: Record<string, unknown>) {
    const identifier = String(body.identifier);
    const now = Date.now();
    if (identifier.split(".").length === 3) {
      try {
        const { payload } = await jwtVerify(identifier, createLocalJWKSet({ keys: [this.keys.publicJwk] }), {
          typ: "spotkeeper-pass+jwt",
        });
        if (payload.lot !== this.lotId)
          return { action: "deny", reason: "wrong_lot", message: "This pass is for another car park." };
        return {
          action: "open_barrier",
          reservation_id: payload.rid,
          spot_label: payload.spot_label,
          level: "2",
          message: `Welcome! Your spot is ${String(payload.spot_label)}.`,
        };
      } catch {
        return { action: "deny", reason: "invalid_pass", message: "This QR pass is not valid." };
      }
    }
    if (typeof body.confidence === "number" && body.confidence < MIN_CONFIDENCE) {
      return { action: "ask_for_qr", reason: "low_confidence", message: "Please show your QR pass." };
    }
    const r = this.reservations.find((x) => x.plate === identifier && x.valid_from <= now && now < x.valid_until);
    if (!r) return { action: "deny", reason: "no_reservation", message: "We found no reservation for this plate." };
    return {
      action: "open_barrier",
      reservation_id: r.reservation_id,
      spot_id: randomUUID(),
      spot_label: r.spot_label,
      level: r.level,
      message: `Welcome! Your spot is ${r.spot_label} on level ${r.level}.`,
    };
  }

  private checkOut() {
    return { action: "open_barrier", pending_charges: 0, currency: "EUR", message: "Goodbye! Drive safely." };
  }

  /** The whole state every time; with `since` it is a delta that speaks for every reservation it knows. */
  private async offlineCache(since: string | null = null) {
    const now = Date.now();
    const all = [...this.reservations.map((r) => r.reservation_id), ...this.revoked, ...this.inside];
    const payload = {
      lot_id: this.lotId,
      gate_id: this.gateId,
      issued_at: new Date(now).toISOString(),
      valid_until: new Date(now + 6 * 3600_000).toISOString(),
      cursor: new Date(now).toISOString(),
      ...(since ? { since, changed: [...new Set(all)] } : {}),
      revoked: [...this.revoked],
      inside: [...this.inside],
      plates: this.reservations
        .filter((r) => !this.revoked.has(r.reservation_id))
        .map((r) => ({
          plate: r.plate,
          reservation_id: r.reservation_id,
          spot_label: r.spot_label,
          valid_from: new Date(r.valid_from).toISOString(),
          valid_until: new Date(r.valid_until).toISOString(),
        })),
      qr_kids: [this.kid],
    };
    const token = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
      .setProtectedHeader({ alg: "EdDSA", kid: this.kid })
      .sign(this.keys.privateKey);
    return { token, payload };
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
