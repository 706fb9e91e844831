import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import type { Bridge } from "./bridge.js";
import type { BridgeConfig } from "./config.js";
import type { BridgeStatus, Decision } from "./contract.js";
import { kioskPage } from "./kiosk-page.js";
import { errorText } from "./log.js";

export interface HttpServerHandle {
  url: string;
  /** The camera's own listener, when cameraListen is set. */
  cameraUrl: string | null;
  close(): Promise<void>;
}

const lprSchema = z.object({ plate: z.string().min(1).max(64), confidence: z.number().min(0).max(1).optional() });
const manualSchema = z.object({ identifier: z.string().min(1).max(4096) });
const MAX_BODY = 16 * 1024;
const HEARTBEAT_MS = 15_000;

/**
 * The bridge's local HTTP face:
 *   GET  /        the kiosk screen itself (a static page in this package: it works with the server down)
 *   GET  /events  Server-Sent Events for the kiosk screen: `status` at once and on every change, `decision` per car
 *   GET  /status  the same status as JSON, plus the barrier's state
 *   GET  /health  200 while the gate can work; 503 when it is mis-paired or the relay failed (watchdog, monitoring)
 *   POST /lpr     {plate, confidence?} from the licence-plate camera: its token, or from this PC when none is set
 *   POST /manual  {identifier} typed on the kiosk's touch keypad: from this PC, or with the kiosk token
 * Browsers may read /events and post /manual only from this page, the server's origin or KIOSK_ORIGINS.
 */
/** Loopback peers only: the kiosk browser on this PC. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === "::1" || address.startsWith("127.") || address.startsWith("::ffff:127.");
}

const bearer = (req: IncomingMessage, token: string | undefined) =>
  !!token && req.headers.authorization === `Bearer ${token}`;

export async function startHttpServer(bridge: Bridge, config: BridgeConfig): Promise<HttpServerHandle> {
  const allowed = new Set([new URL(config.serverUrl).origin, ...config.kioskOrigins]);
  const selfOrigin = (req: IncomingMessage) => `http://${req.headers.host ?? ""}`;
  const originAllowed = (origin: string | undefined, req?: IncomingMessage) =>
    !origin || allowed.has("*") || allowed.has(origin) || (req !== undefined && origin === selfOrigin(req));
  const streams = new Set<ServerResponse>();

  const send = (res: ServerResponse, event: string, data: unknown) =>
    res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  const onDecision = (d: Decision) => streams.forEach((res) => send(res, "decision", d));
  const onStatus = (s: BridgeStatus) => streams.forEach((res) => send(res, "status", s));
  bridge.on("decision", onDecision);
  bridge.on("status", onStatus);
  // Comments keep idle connections from being cut by anything that times out quiet sockets.
  const heartbeat = setInterval(() => streams.forEach((res) => res.write(": ping\n\n")), HEARTBEAT_MS);

  const listener = (camera: boolean) => (req: IncomingMessage, res: ServerResponse) => {
    const served = camera ? handleCamera(req, res) : handle(req, res);
    served.catch((err) => {
      bridge.log.error("http handler failed", { path: req.url, error: errorText(err) });
      if (!res.headersSent) json(res, 500, { error: { code: "internal", message: "internal error" } });
      else res.end();
    });
  };
  const server = createServer(listener(false));

  /** The camera's own listener (cameraListen, e.g. on the camera LAN): POST /lpr with its token, nothing else. */
  async function handleCamera(req: IncomingMessage, res: ServerResponse) {
    const path = new URL(req.url ?? "/", "http://bridge").pathname;
    if (req.method !== "POST" || path !== "/lpr")
      return json(res, 404, { error: { code: "not_found", message: "only POST /lpr here" } });
    return handle(req, res);
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const origin = req.headers.origin;
    if (origin && originAllowed(origin, req)) {
      res.setHeader("access-control-allow-origin", origin);
      res.setHeader("vary", "Origin");
    }
    const path = new URL(req.url ?? "/", "http://bridge").pathname;

    if (req.method === "OPTIONS") {
      if (!originAllowed(origin))
        return json(res, 403, { error: { code: "origin_not_allowed", message: "origin not allowed" } });
      res.setHeader("access-control-allow-methods", "GET, POST, OPTIONS");
      res.setHeader("access-control-allow-headers", "content-type, authorization");
      res.setHeader("access-control-max-age", "600");
      // Chrome's Private Network Access: a kiosk page served from the internet talks to this loopback port.
      if (req.headers["access-control-request-private-network"])
        res.setHeader("access-control-allow-private-network", "true");
      res.writeHead(204).end();
      return;
    }
    if (req.method === "GET" && path === "/events") {
      if (!originAllowed(origin))
        return json(res, 403, { error: { code: "origin_not_allowed", message: "origin not allowed" } });
      res.writeHead(200, {
        "content-type": "text/event-stream",
        "cache-control": "no-store",
        connection: "keep-alive",
      });
      res.write("retry: 2000\n\n");
      send(res, "status", bridge.status);
      streams.add(res);
      req.on("close", () => streams.delete(res));
      return;
    }
    if (req.method === "GET" && (path === "/" || path === "/kiosk")) {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
      res.end(kioskPage(bridge.config));
      return;
    }
    if (req.method === "GET" && path === "/status")
      return json(res, 200, { ...bridge.status, barrier: bridge.barrier.state });
    if (req.method === "GET" && path === "/health") {
      const status = bridge.status;
      return json(res, bridge.healthy ? 200 : 503, {
        ok: bridge.healthy,
        server: status.server,
        relay: status.relay,
        problem: status.problem,
        queue: status.queue,
      });
    }

    if (req.method === "POST" && (path === "/lpr" || path === "/manual")) {
      if (!originAllowed(origin, req))
        return json(res, 403, { error: { code: "origin_not_allowed", message: "origin not allowed" } });
      // Whoever reaches these drives the gate's decisions: the keypad only from this PC's screen (or
      // with the kiosk token), the camera only with its token (or from this PC when none is set).
      const local = isLoopback(req.socket.remoteAddress);
      if (path === "/manual" && !(local || bearer(req, config.kioskToken))) {
        return json(res, 403, {
          error: {
            code: "forbidden",
            message: "the keypad answers only the kiosk screen on this PC (or the kiosk token)",
          },
        });
      }
      // JSON only: a cross-site form post (text/plain, no preflight) cannot reach the barrier.
      if (!String(req.headers["content-type"] ?? "").startsWith("application/json")) {
        return json(res, 415, { error: { code: "unsupported_media_type", message: "send application/json" } });
      }
      if (path === "/lpr" && (config.lprToken ? !bearer(req, config.lprToken) : !local)) {
        return json(res, 401, { error: { code: "unauthorized", message: "camera token required" } });
      }
      let body: unknown;
      try {
        body = JSON.parse(await readBody(req));
      } catch (err) {
        return json(res, 400, { error: { code: "invalid_body", message: errorText(err) } });
      }
      let decision: Decision | null;
      if (path === "/lpr") {
        const parsed = lprSchema.safeParse(body);
        if (!parsed.success) return json(res, 400, { error: { code: "invalid_body", message: parsed.error.message } });
        decision = await bridge.handleScan(parsed.data.plate, "lpr", parsed.data.confidence);
      } else {
        const parsed = manualSchema.safeParse(body);
        if (!parsed.success) return json(res, 400, { error: { code: "invalid_body", message: parsed.error.message } });
        decision = await bridge.handleScan(parsed.data.identifier, "manual");
      }
      if (!decision) return json(res, 400, { error: { code: "empty_identifier", message: "nothing to look up" } });
      return json(res, 200, decision);
    }
    json(res, 404, { error: { code: "not_found", message: "no such endpoint" } });
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.bridgePort, config.bridgeHost, () => resolve());
  });
  let camera: ReturnType<typeof createServer> | null = null;
  let cameraUrl: string | null = null;
  if (config.cameraListen) {
    const at = config.cameraListen.lastIndexOf(":");
    camera = createServer(listener(true));
    const c = camera;
    await new Promise<void>((resolve, reject) => {
      c.once("error", reject);
      c.listen(
        Number(config.cameraListen!.slice(at + 1)),
        config.cameraListen!.slice(0, at).replace(/^\[|\]$/g, ""),
        () => resolve(),
      );
    });
    cameraUrl = urlOf(c.address() as AddressInfo);
  }
  return {
    url: urlOf(server.address() as AddressInfo),
    cameraUrl,
    async close() {
      if (camera) {
        const c = camera;
        await new Promise<void>((resolve) => {
          c.close(() => resolve());
          c.closeAllConnections();
        });
      }
      clearInterval(heartbeat);
      bridge.off("decision", onDecision);
      bridge.off("status", onStatus);
      for (const res of streams) res.end();
      streams.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function urlOf(address: AddressInfo) {
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error("body too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}
