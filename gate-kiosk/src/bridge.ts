import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { mkdir } from "node:fs/promises";
import { BackgroundLoops } from "./background-loops.js";
import type { Barrier } from "./barrier/barrier.js";
import { CommandPoller, type CommandOutcome } from "./command-poller.js";
import type { BridgeConfig } from "./config.js";
import {
  GATE_MESSAGES,
  type BarrierOutcome,
  type Direction,
  type BridgeStatus,
  type Decision,
  type GateRequestBody,
  type RelayState,
  type ScanSource,
  type ServerLink,
} from "./contract.js";
import { decisionFromServer } from "./decision.js";
import { EventQueue } from "./event-queue.js";
import { createBarrier, createInputs } from "./hardware.js";
import { classifyIdentifier } from "./identifier.js";
import type { ScanInput } from "./inputs/scan-input.js";
import { decideLocally } from "./local-decision.js";
import { createLogger, errorText, type Logger } from "./log.js";
import { OfflineCache } from "./offline-cache.js";
import { OfflineEntries } from "./offline-entries.js";
import { Replayer } from "./replayer.js";
import type { BindingLoader } from "./serial/serial-port.js";
import { ServerClient, ServerError } from "./server-client.js";
import { startHttpServer, type HttpServerHandle } from "./http-server.js";
import { BRIDGE_VERSION } from "./version.js";

export interface BridgeDeps {
  log?: Logger;
  barrier?: Barrier;
  inputs?: ScanInput[];
  loadBinding?: BindingLoader;
}

type BridgeEvents = { decision: [Decision]; status: [BridgeStatus] };

/** A repeat is answered from memory only if the first read settled something; see handleScan. */
const SETTLED = new Set(["open_barrier", "deny"]);

/**
 * The gate: every scan goes to the server with a short deadline; without an answer in time the gate
 * decides from the signed offline cache, queues the event on disk and replays it later. Scans, the
 * camera, the kiosk keypad and operator commands all end in the same place: a Decision on the
 * screen and, for "open_barrier", a pulse on the relay.
 */
export class Bridge extends EventEmitter<BridgeEvents> {
  readonly log: Logger;
  readonly barrier: Barrier;
  readonly client: ServerClient;
  readonly cache: OfflineCache;
  private readonly inputs: ScanInput[];
  private queue!: EventQueue;
  private replayer!: Replayer;
  private commands!: CommandPoller;
  private http: HttpServerHandle | null = null;
  private loops!: BackgroundLoops;
  private server: ServerLink = "offline";
  private problem: string | null = null;
  private relay: RelayState = "ok";
  private payments: BridgeStatus["payments"] = "up";
  private readonly entered: OfflineEntries;
  /** The direction in the server's record of this gate, when it differs from the configuration. */
  private recordedDirection: Direction | null = null;
  private lastStatus = "";
  private readonly recent = new Map<string, { at: number; decision: Decision }>();
  private readonly inflight = new Map<string, Promise<Decision>>();

  constructor(
    readonly config: BridgeConfig,
    deps: BridgeDeps = {},
  ) {
    super();
    this.log = deps.log ?? createLogger(config.logLevel);
    this.barrier = deps.barrier ?? createBarrier(config, this.log, deps.loadBinding);
    this.inputs = deps.inputs ?? createInputs(config, this.log, deps.loadBinding);
    this.client = new ServerClient({
      serverUrl: config.serverUrl,
      gateSecret: config.gateSecret,
      onPayments: (state) => {
        this.payments = state;
        this.emitStatus();
      },
    });
    this.cache = new OfflineCache({
      dir: config.queueDir,
      lotId: config.lotId,
      gateId: config.gateId,
      client: this.client,
      log: this.log,
    });
    this.entered = new OfflineEntries(config.queueDir, this.log);
  }

  /** The bridge's own HTTP address (for the kiosk page, the camera and tests). */
  get url(): string {
    if (!this.http) throw new Error("bridge not started");
    return this.http.url;
  }

  /** The camera's own listener (cameraListen), if any. */
  get cameraUrl(): string | null {
    return this.http?.cameraUrl ?? null;
  }

  get status(): BridgeStatus {
    return {
      server: this.server,
      payments: this.payments,
      queue: this.queue?.size ?? 0,
      direction: this.config.direction,
      lot_id: this.config.lotId,
      gate_id: this.config.gateId,
      cache_valid_until: this.cache.validUntil,
      relay: this.relay,
      problem: this.problem,
    };
  }

  /** Healthy: paired with the server (or unable to tell while it is down) and the relay working. */
  get healthy(): boolean {
    return this.server !== "misconfigured" && this.relay === "ok";
  }

  async start(): Promise<void> {
    const { config, log } = this;
    await mkdir(config.queueDir, { recursive: true });
    this.queue = await EventQueue.open(config.queueDir, log);
    this.queue.onChange = () => this.emitStatus();
    await this.cache.load();
    await this.entered.load();
    this.replayer = new Replayer({
      queue: this.queue,
      client: this.client,
      timeoutMs: config.replayTimeoutMs,
      log,
      onServerReached: (r, e) => this.setServer(r, e),
    });
    this.commands = new CommandPoller({
      client: this.client,
      timeoutMs: config.replayTimeoutMs,
      log,
      onServerReached: (r, e) => this.setServer(r, e),
      openBarrier: (command) => this.operatorOpen(command),
    });
    this.http = await startHttpServer(this, config);
    for (const input of this.inputs) {
      // A scanner has nobody to report an error to: log it, and never let it end the process.
      input.start(
        (text, source) =>
          void this.handleScan(text, source).catch((err) =>
            log.error("scan failed", { input: input.name, error: errorText(err) }),
          ),
      );
    }
    // Pairing first: a mis-paired gate must show it before the first car, not after.
    await this.checkPairing();
    this.loops = new BackgroundLoops(log, config.replayIntervalMs);
    this.loops.start(
      "pairing check",
      () => this.checkPairing().then(() => config.pairingCheckMs),
      config.pairingCheckMs,
    );
    this.loops.start("offline cache", () => this.refreshCache());
    this.loops.start("operator commands", () => this.commands.poll().then(() => config.commandPollMs));
    this.loops.start("replay", () =>
      (this.queue.size > 0 ? this.replayer.replay() : Promise.resolve()).then(() => config.replayIntervalMs),
    );
    log.info("gate bridge started", {
      url: this.http.url,
      lot_id: config.lotId,
      gate_id: config.gateId,
      direction: config.direction,
    });
  }

  async stop(): Promise<void> {
    this.loops?.stop();
    await Promise.all(this.inputs.map((i) => i.stop()));
    await this.http?.close();
    await this.replayer?.idle();
    await this.queue?.close();
    await this.barrier.close();
    this.log.info("gate bridge stopped");
  }

  /** One read from any input: a plate or a QR pass, and optionally the camera's confidence. */
  async handleScan(raw: string, source: ScanSource, confidence?: number): Promise<Decision | null> {
    const identifier = classifyIdentifier(raw);
    if (!identifier) return null;
    const key = `${identifier.kind}:${identifier.value}`;
    // A camera reports the same plate many times while the car rolls up: that is one car. Reads
    // during a pending decision share it; a settled one is shown again without a new event or pulse.
    // An ask_for_qr is not settled: a clearer read a moment later deserves a real decision.
    const pending = this.inflight.get(key);
    if (pending) return pending;
    const recent = this.recent.get(key);
    if (recent && Date.now() - recent.at < this.config.dedupeWindowMs && SETTLED.has(recent.decision.action)) {
      this.emit("decision", recent.decision);
      return recent.decision;
    }
    const decision = this.decide(identifier, source, confidence).finally(() => this.inflight.delete(key));
    this.inflight.set(key, decision);
    const result = await decision;
    this.recent.set(key, { at: Date.now(), decision: result });
    for (const [k, v] of this.recent) if (Date.now() - v.at > this.config.dedupeWindowMs) this.recent.delete(k);
    return result;
  }

  private async decide(
    identifier: NonNullable<ReturnType<typeof classifyIdentifier>>,
    source: ScanSource,
    confidence?: number,
  ): Promise<Decision> {
    const { config, log } = this;
    const now = Date.now();
    const kind = config.direction === "entry" ? "check-in" : "check-out";
    const body: GateRequestBody = {
      lot_id: config.lotId,
      gate_id: config.gateId,
      identifier: identifier.value,
      ...(confidence === undefined ? {} : { confidence }),
      // Sent live as well: if the answer is merely late, the replay of this very event is a repeat
      // the server recognises, not a second entry.
      event_id: randomUUID(),
      occurred_at: new Date(now).toISOString(),
    };
    let decision: Decision;
    try {
      // A mis-paired gate does not ask: every answer would be a refusal of the credential.
      if (this.server === "misconfigured")
        throw new ServerError("the server refuses this gate's pairing", null, "misconfigured");
      const answer =
        kind === "check-in"
          ? await this.client.checkIn(body, config.serverTimeoutMs)
          : await this.client.checkOut(body, config.serverTimeoutMs);
      this.setServer(true);
      decision = decisionFromServer(answer, { direction: config.direction, eventId: body.event_id, source });
      if (decision.reservation_id) await this.entered.forget(decision.reservation_id);
    } catch (err) {
      // A refusal of this one request (a 4xx such as a malformed identifier) says nothing about the
      // link; a refused pairing is an error state; anything else (timeout, refused, 5xx) means offline.
      if (!(err instanceof ServerError && err.permanent)) this.setServer(false, err);
      log.warn("deciding locally", { event_id: body.event_id, error: errorText(err) });
      // Mis-paired, the server's record says which barrier this is; unknown, the configuration does.
      const direction =
        this.server === "misconfigured" ? (this.recordedDirection ?? config.direction) : config.direction;
      const local =
        this.server === "misconfigured" && direction === "entry"
          ? // Never an open door: the cache may be another gate's or lot's idea of who may enter.
            {
              action: "deny" as const,
              reason: "misconfigured" as const,
              message: GATE_MESSAGES.misconfigured,
              spot_label: null,
              level: null,
              reservation_id: null,
            }
          : await decideLocally({
              direction,
              identifier,
              confidence,
              cache: this.cache,
              entered: this.entered,
              lotId: config.lotId,
              now,
              lprMinConfidence: config.lprMinConfidence,
              clockToleranceS: config.clockToleranceS,
            });
      const queued: GateRequestBody = {
        ...body,
        offline_decision: local.action,
        barrier: local.action === "open_barrier" ? "opened" : "denied",
        // With the sent_at the replayer adds, this tells the server how far our clock is off.
        received_at: body.occurred_at,
      };
      try {
        // On disk before the barrier moves: an opening the server never hears of is the one thing
        // the queue exists to prevent.
        // Both fsynced at once: the car waits for one disk flush, not two.
        const remember =
          local.action === "open_barrier" && local.reservation_id && direction === "entry"
            ? this.entered.add(local.reservation_id)
            : null;
        await Promise.all([
          this.queue.append({ event_id: body.event_id, kind, body: queued, queued_at: new Date().toISOString() }),
          remember,
        ]);
      } catch (qerr) {
        log.error("could not queue an offline event", { event_id: body.event_id, error: errorText(qerr) });
      }
      decision = {
        ...local,
        direction: config.direction,
        offline: true,
        at: new Date().toISOString(),
        event_id: body.event_id,
        source,
        pending_charges: null,
        currency: null,
      };
    }
    const done = await this.act(decision);
    if (done.barrier === "relay_failed") await this.reportRelayFailure(done, kind, body);
    return done;
  }

  /**
   * The server must not believe a barrier opened that did not: a live answer gets a report, a queued
   * offline event is rewritten (the same event id, a later line wins) with what the barrier did.
   */
  private async reportRelayFailure(decision: Decision, kind: "check-in" | "check-out", body: GateRequestBody) {
    try {
      if (decision.offline) {
        await this.queue.append({
          event_id: body.event_id,
          kind,
          body: { ...body, barrier: "relay_failed" },
          queued_at: new Date().toISOString(),
        });
      } else {
        await this.queue.append({
          event_id: decision.event_id,
          kind: "report",
          body: {
            event_id: decision.event_id,
            barrier: "relay_failed",
            action: "open_barrier",
            occurred_at: body.occurred_at,
            identifier: body.identifier,
          },
          queued_at: new Date().toISOString(),
        });
      }
      void this.replayer.replay();
    } catch (err) {
      this.log.error("could not queue the relay failure report", {
        event_id: decision.event_id,
        error: errorText(err),
      });
    }
  }

  private async operatorOpen(command: { id: string; reason?: string; by?: string }): Promise<CommandOutcome> {
    const done = await this.act({
      action: "open_barrier",
      reason: "operator",
      message: command.reason ? `Opened by the attendant: ${command.reason}` : "Opened by the attendant.",
      spot_label: null,
      level: null,
      direction: this.config.direction,
      offline: false,
      at: new Date().toISOString(),
      event_id: command.id,
      source: "operator",
      reservation_id: null,
      pending_charges: null,
      currency: null,
    });
    return done.barrier === "relay_failed"
      ? { result: "failed", failure: "The barrier relay did not respond" }
      : { result: "executed" };
  }

  /** Carries a decision out; returns it as it happened (an opening the relay failed is not a welcome). */
  private async act(decision: Decision): Promise<Decision> {
    let done = decision;
    if (decision.action === "open_barrier") {
      let barrier: BarrierOutcome = "opened";
      try {
        await this.barrier.open(decision.reason ?? decision.action);
      } catch (err) {
        barrier = "relay_failed";
        this.log.error("barrier did not open", { event_id: decision.event_id, error: errorText(err) });
      }
      this.setRelay(barrier === "opened" ? "ok" : "failed");
      done =
        barrier === "opened"
          ? { ...decision, barrier }
          : { ...decision, action: "deny", reason: "relay_failed", message: GATE_MESSAGES.relayFailed, barrier };
    }
    this.log[done.barrier === "relay_failed" ? "error" : "info"]("decision", { decision: done });
    this.emit("decision", done);
    return done;
  }

  private setRelay(state: RelayState) {
    if (this.relay === state) return;
    this.relay = state;
    this.emitStatus();
  }

  /** GET /v1/gates/self: the server's record of this gate must be this bridge's configuration. */
  private async checkPairing(): Promise<void> {
    const { config } = this;
    try {
      const self = await this.client.self(config.replayTimeoutMs, {
        lot_id: config.lotId,
        direction: config.direction,
        version: BRIDGE_VERSION,
        queue: this.queue.size,
        cache_age_s: this.cache.ageSeconds ?? undefined,
        relay: this.relay,
      });
      const mismatch =
        self.gate_id !== config.gateId
          ? `this secret belongs to gate ${self.gate_id}, not ${config.gateId}`
          : self.lot_id !== config.lotId
            ? `the gate is in lot ${self.lot_id}, not ${config.lotId}`
            : self.direction !== config.direction
              ? `the gate is an ${self.direction} gate, configured here as ${config.direction}`
              : null;
      this.recordedDirection = self.direction !== config.direction ? self.direction : null;
      if (mismatch) this.setMisconfigured(mismatch);
      else this.setServer(true, undefined, true);
    } catch (err) {
      this.setServer(false, err);
    }
  }

  private setMisconfigured(problem: string) {
    const changed = this.server !== "misconfigured" || this.problem !== problem;
    this.server = "misconfigured";
    this.problem = problem;
    if (changed) this.log.error("gate pairing refused by the server: fix the configuration", { problem });
    this.emitStatus();
  }

  private async refreshCache(): Promise<number> {
    try {
      await this.cache.refresh();
      this.setServer(true);
      this.emitStatus();
      return this.config.cacheRefreshMs;
    } catch (err) {
      // No answer, or a refused pairing, says something about the link; a 5xx or a bad document does not.
      if (err instanceof ServerError && (err.status === null || err.pairing)) this.setServer(false, err);
      this.log.warn("offline cache refresh failed", { error: errorText(err) });
      return this.config.cacheRetryMs;
    }
  }

  /**
   * What a call says about the link. A refused pairing (wrong secret, another gate's, another lot or
   * direction) is "misconfigured", which only a successful pairing check clears; a call that got no
   * answer is "offline" unless the gate is known to be misconfigured (then we cannot tell).
   */
  private setServer(reached: boolean, err?: unknown, paired = false) {
    if (!reached && err instanceof ServerError && err.pairing) {
      const recorded = err.details?.direction;
      if (recorded === "entry" || recorded === "exit") this.recordedDirection = recorded;
      return this.setMisconfigured(err.message);
    }
    if (!reached && err instanceof ServerError && err.status !== null && err.permanent) return;
    // Only the pairing check proves the pairing again (a public call such as the keys may succeed).
    if (this.server === "misconfigured" && !(reached && paired)) return;
    const next = reached ? "online" : "offline";
    if (next === this.server) return;
    this.server = next;
    this.problem = null;
    this.log.info(`server ${next}`);
    this.emitStatus();
    if (reached && this.queue.size > 0) void this.replayer.replay();
  }

  private emitStatus() {
    if (!this.queue) return;
    const status = this.status;
    const text = JSON.stringify(status);
    if (text === this.lastStatus) return;
    this.lastStatus = text;
    this.emit("status", status);
  }
}
