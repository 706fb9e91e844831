import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import type { Bridge } from "./bridge.js";
import type { BridgeConfig } from "./config.js";
import type { BridgeStatus, Decision } from "./decision.js";
import { errorText } from "./log.js";

export interface HttpServerHandle {
  url: string;
  close(): Promise<void>;
}

const lprSchema = z.object({ plate: z.string().min(1).max(64), confidence: z.number().min(0).max(1).optional() });
const manualSchema = z.object({ identifier: z.string().min(1).max(4096) });
const MAX_BODY = 16 * 1024;
const HEARTBEAT_MS = 15_000;

/**
 * The bridge's local HTTP face:
 *   GET  /events  Server-Sent Events for the kiosk screen: `status` at once and on every change, `decision` per car
 *   GET  /status  the same status as JSON, plus the barrier's state
 *   GET  /health  200 while the process runs (for systemd/watchdogs)
 *   POST /lpr     {plate, confidence?} from the licence-plate camera (Bearer lprToken when configured)
 *   POST /manual  {identifier} typed on the kiosk's touch keypad
 * Browsers may read /events and post /manual only from the server's origin or KIOSK_ORIGINS.
 */
export async function startHttpServer(bridge: Bridge, config: BridgeConfig): Promise<HttpServerHandle> {
  const allowed = new Set([new URL(config.serverUrl).origin, ...config.kioskOrigins]);
  const originAllowed = (origin: string | undefined) => !origin || allowed.has("*") || allowed.has(origin);
  const streams = new Set<ServerResponse>();

  const send = (res: ServerResponse, event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  const onDecision = (d: Decision) => streams.forEach((res) => send(res, "decision", d));
  const onStatus = (s: BridgeStatus) => streams.forEach((res) => send(res, "status", s));
  bridge.on("decision", onDecision);
  bridge.on("status", onStatus);
  // Comments keep idle connections from being cut by anything that times out quiet sockets.
  const heartbeat = setInterval(() => streams.forEach((res) => res.write(": ping\n\n")), HEARTBEAT_MS);

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      bridge.log.error("http handler failed", { path: req.url, error: errorText(err) });
      if (!res.headersSent) json(res, 500, { error: { code: "internal", message: "internal error" } });
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const origin = req.headers.origin;
    if (origin && originAllowed(origin)) {
      res.setHeader("access-control-allow-origin", origin);
      res.setHeader("vary", "Origin");
    }
    const path = new URL(req.url ?? "/", "http://bridge").pathname;

    if (req.method === "OPTIONS") {
      if (!originAllowed(origin)) return json(res, 403, { error: { code: "origin_not_allowed", message: "origin not allowed" } });
      res.setHeader("access-control-allow-methods", "GET, POST, OPTIONS");
      res.setHeader("access-control-allow-headers", "content-type, authorization");
      res.setHeader("access-control-max-age", "600");
      // Chrome's Private Network Access: a kiosk page served from the internet talks to this loopback port.
      if (req.headers["access-control-request-private-network"]) res.setHeader("access-control-allow-private-network", "true");
      res.writeHead(204).end();
      return;
    }
    if (req.method === "GET" && path === "/events") {
      if (!originAllowed(origin)) return json(res, 403, { error: { code: "origin_not_allowed", message: "origin not allowed" } });
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive" });
      res.write("retry: 2000\n\n");
      send(res, "status", bridge.status);
      streams.add(res);
      req.on("close", () => streams.delete(res));
      return;
    }
    if (req.method === "GET" && path === "/status") return json(res, 200, { ...bridge.status, barrier: bridge.barrier.state });
    if (req.method === "GET" && path === "/health") return json(res, 200, { ok: true });

    if (req.method === "POST" && (path === "/lpr" || path === "/manual")) {
      if (!originAllowed(origin)) return json(res, 403, { error: { code: "origin_not_allowed", message: "origin not allowed" } });
      // JSON only: a cross-site form post (text/plain, no preflight) cannot reach the barrier.
      if (!String(req.headers["content-type"] ?? "").startsWith("application/json")) {
        return json(res, 415, { error: { code: "unsupported_media_type", message: "send application/json" } });
      }
      if (path === "/lpr" && config.lprToken && req.headers.authorization !== `Bearer ${config.lprToken}`) {
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
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    async close() {
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
