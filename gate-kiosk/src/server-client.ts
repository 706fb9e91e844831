import type { BarrierReport, GateHealthReport, GateRequestBody, GateSelf, ServerDecision } from "./contract.js";

/**
 * The gate's side of the Spotkeeper REST API. Every call carries the gate credential and a deadline;
 * anything but a 2xx answer is an error the caller turns into a local decision or a retry.
 */
export class ServerError extends Error {
  override name = "ServerError";
  constructor(
    message: string,
    /** HTTP status, or null when no answer came (timeout, refused, reset). */
    readonly status: number | null,
    readonly code?: string,
    cause?: unknown,
    /** The error body's `details` (e.g. the gate's real direction on a refused pairing). */
    readonly details?: Record<string, unknown>,
  ) {
    super(message, { cause });
  }
  /** The server refuses this gate's pairing: a wrong or rotated secret, another gate's, another lot or direction. */
  get pairing(): boolean {
    return this.status === 401 || this.status === 403 || (this.status === 409 && this.code === "conflict");
  }
  /** A 4xx other than auth and rate limits: sending the same request again will not help. */
  get permanent(): boolean {
    return (
      this.status !== null &&
      this.status >= 400 &&
      this.status < 500 &&
      ![401, 403, 408, 425, 429].includes(this.status)
    );
  }
}

export type PaymentsState = "up" | "down";

export interface ServerClientOptions {
  serverUrl: string;
  gateSecret: string;
  /** Called with what a response says about the payment processor, when it says anything. */
  onPayments?: (state: PaymentsState) => void;
}

export class ServerClient {
  constructor(private readonly options: ServerClientOptions) {}

  checkIn(body: GateRequestBody, timeoutMs: number): Promise<ServerDecision> {
    return this.request<ServerDecision>("POST", "/v1/gates/check-in", timeoutMs, body);
  }

  checkOut(body: GateRequestBody, timeoutMs: number): Promise<ServerDecision> {
    return this.request<ServerDecision>("POST", "/v1/gates/check-out", timeoutMs, body);
  }

  offlineCache(timeoutMs: number, since?: string): Promise<{ token: string }> {
    return this.request(
      "GET",
      `/v1/gates/offline-cache${since ? `?since=${encodeURIComponent(since)}` : ""}`,
      timeoutMs,
    );
  }

  /** The pairing check and heartbeat: the gate's record, refused (409) when lot or direction differ. */
  self(timeoutMs: number, q: GateHealthReport & { lot_id: string; direction: string }): Promise<GateSelf> {
    const query = new URLSearchParams(
      Object.entries(q).flatMap(([k, v]): [string, string][] => (v === undefined ? [] : [[k, String(v)]])),
    );
    return this.request("GET", `/v1/gates/self?${query}`, timeoutMs);
  }

  report(body: BarrierReport, timeoutMs: number): Promise<unknown> {
    return this.request("POST", "/v1/gates/reports", timeoutMs, body);
  }

  keys(timeoutMs: number): Promise<{ keys: unknown[] }> {
    return this.request("GET", "/v1/gates/keys", timeoutMs, undefined, false);
  }

  commands(timeoutMs: number): Promise<unknown> {
    return this.request("GET", "/v1/gates/commands", timeoutMs);
  }

  ackCommand(
    id: string,
    timeoutMs: number,
    ack: { result: "executed" | "failed"; failure?: string } = { result: "executed" },
  ): Promise<unknown> {
    return this.request("POST", `/v1/gates/commands/${encodeURIComponent(id)}/ack`, timeoutMs, ack);
  }

  private async request<T>(method: string, path: string, timeoutMs: number, body?: unknown, auth = true): Promise<T> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (auth) headers.authorization = `Bearer ${this.options.gateSecret}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    let res: Response;
    let text: string;
    try {
      res = await fetch(`${this.options.serverUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      // Inside the deadline too: a server that sends headers and then stalls is no faster.
      text = await res.text();
    } catch (err) {
      const timedOut = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
      const message = timedOut
        ? `${method} ${path}: no answer within ${timeoutMs} ms`
        : `${method} ${path}: unreachable`;
      throw new ServerError(message, null, timedOut ? "timeout" : "unreachable", err);
    }
    let data: unknown = null;
    try {
      data = JSON.parse(text);
    } catch {
      // a proxy's HTML error page, or an empty body: the status says enough
    }
    this.notePayments(res, data);
    if (!res.ok || data === null || typeof data !== "object") {
      const error = (data as { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | null)
        ?.error;
      throw new ServerError(
        `${method} ${path}: ${res.status} ${error?.message ?? res.statusText}`,
        res.status,
        error?.code,
        undefined,
        error?.details,
      );
    }
    return data as T;
  }

  private notePayments(res: Response, data: unknown) {
    const header = res.headers.get("x-spotkeeper-payments");
    const field = data && typeof data === "object" ? (data as { payments?: unknown }).payments : undefined;
    const state = header ?? field;
    if (state === "up" || state === "down") this.options.onPayments?.(state);
  }
}
