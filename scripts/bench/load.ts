/**
 * The load generator of `npm run bench`, in a process of its own (as drivers and gates are other
 * machines). Reads a job file (argv[2]), writes its result as JSON on stdout.
 *
 * - open loop: request i is due at t0 + i / rate, whether or not earlier ones have answered, and its
 *   latency counts from when it was due, or from when it left if that was earlier (so a stalled
 *   server cannot hide its queue: no coordinated omission);
 * - closed loop: `clients` clients, each sending its next request when the previous one answered,
 *   until its share is done or the time is up.
 * Keep-alive agents, one per server port, as a load balancer keeps connections to its backends.
 */
import http from "node:http";
import { readFileSync } from "node:fs";

export type BenchRequest = {
  port: number;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
};
export type Job =
  | { mode: "open"; rate: number; requests: BenchRequest[] }
  | { mode: "closed"; clients: number; durationMs: number; requests: BenchRequest[] };
export type LoadResult = {
  sent: number;
  elapsedMs: number;
  latenciesMs: number[];
  statuses: Record<string, number>;
  /** error codes of 4xx/5xx answers, counted */
  errors: Record<string, number>;
  /** event_id of every 2xx answer that carried one (answered gate reads) */
  answeredEventIds: string[];
};

const agents = new Map<number, http.Agent>();
const agentFor = (port: number) => {
  let a = agents.get(port);
  if (!a) agents.set(port, (a = new http.Agent({ keepAlive: true, maxSockets: 256 })));
  return a;
};

function send(r: BenchRequest): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port: r.port,
        method: r.method,
        path: r.path,
        agent: agentFor(r.port),
        headers: { "content-type": "application/json", ...r.headers },
      },
      (res) => {
        let text = "";
        res
          .setEncoding("utf8")
          .on("data", (c: string) => (text += c))
          .on("end", () => resolve({ status: res.statusCode!, body: text }));
      },
    );
    req.on("error", (err) =>
      resolve({
        status: 0,
        body: JSON.stringify({ error: { code: `socket:${(err as NodeJS.ErrnoException).code}` } }),
      }),
    );
    req.end(r.body);
  });
}

async function run(job: Job): Promise<LoadResult> {
  const result: LoadResult = { sent: 0, elapsedMs: 0, latenciesMs: [], statuses: {}, errors: {}, answeredEventIds: [] };
  const note = (res: { status: number; body: string }, ms: number) => {
    result.latenciesMs.push(ms);
    result.statuses[res.status] = (result.statuses[res.status] ?? 0) + 1;
    if (res.status >= 200 && res.status < 300) {
      const m = /"event_id":"([0-9a-f-]{36})"/.exec(res.body);
      if (m) result.answeredEventIds.push(m[1]!);
    } else {
      const m = /"code":"([^"]+)"/.exec(res.body);
      const code = `${res.status} ${m?.[1] ?? "?"}`;
      result.errors[code] = (result.errors[code] ?? 0) + 1;
    }
  };
  const t0 = performance.now();
  if (job.mode === "open") {
    const interval = 1000 / job.rate;
    const inflight: Promise<void>[] = [];
    for (let i = 0; i < job.requests.length; i++) {
      const due = t0 + i * interval;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      result.sent++;
      // Timers are coarse: a request sent up to 1 ms early counts from when it left (else a
      // sub-millisecond answer would show a negative latency), one sent late from when it was due
      // (the earlier of the two: max() counted early ones from their due time, still negative, and
      // late ones from when they left, which hid the generator falling behind).
      const from = Math.min(due, performance.now());
      inflight.push(send(job.requests[i]!).then((res) => note(res, performance.now() - from)));
    }
    await Promise.all(inflight);
  } else {
    let next = 0;
    const deadline = t0 + job.durationMs;
    const client = async () => {
      while (performance.now() < deadline && next < job.requests.length) {
        const r = job.requests[next++]!;
        result.sent++;
        const started = performance.now();
        note(await send(r), performance.now() - started);
      }
    };
    await Promise.all(Array.from({ length: job.clients }, client));
  }
  result.elapsedMs = performance.now() - t0;
  for (const a of agents.values()) a.destroy();
  return result;
}

const job = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as Job;
process.stdout.write(JSON.stringify(await run(job)));
