/**
 * My reservations with 100 bookings: server HTML time and size, beside the home page from the same
 * run as a baseline. Runs against a production server (`npm run build && next start`, demo data):
 *
 *   BENCH_URL=http://localhost:3450 npx tsx scripts/bench-reservations-page.ts
 *
 * It books and pays up to 100 reservations for the demo driver through the REST API (next year, one
 * Canal Street Garage compact spot-hour each), signs in through next-auth's credentials endpoint and
 * fetches the page sequentially, so the figure is the server's render time, not queueing.
 */
export {};

const BASE = process.env.BENCH_URL ?? "http://localhost:3450";
const TOKEN = process.env.DEMO_DRIVER_TOKEN ?? "demo-driver-token";
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const WANT = 100;
const api = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };

async function ensureBookings() {
  const lots = (await (await fetch(`${BASE}/v1/lots`)).json()) as { data: { id: string; name: string }[] };
  const lot = lots.data.find((l) => l.name === "Canal Street Garage")!;
  const mine = (await (await fetch(`${BASE}/v1/reservations?limit=100`, { headers: api })).json()) as {
    data: unknown[];
  };
  const year = new Date().getUTCFullYear() + 1;
  let made = mine.data.length;
  for (let i = 0; made < WANT && i < 400; i++) {
    const start = new Date(Date.UTC(year, 5, 1 + Math.floor(i / 10), 6 + (i % 10)));
    const end = new Date(start.getTime() + 3_600_000);
    const res = await fetch(`${BASE}/v1/reservations`, {
      method: "POST",
      headers: api,
      body: JSON.stringify({
        lot_id: lot.id,
        vehicle_type: "compact",
        start_time: start.toISOString(),
        end_time: end.toISOString(),
        license_plate: `BENCH${i}`,
      }),
    });
    if (res.status !== 201) continue;
    const r = (await res.json()) as { reservation_id: string; amount: number };
    await fetch(`${BASE}/v1/payments`, {
      method: "POST",
      headers: api,
      body: JSON.stringify({ reservation_id: r.reservation_id, amount: r.amount, payment_method_id: "pm_card_visa" }),
    });
    made++;
  }
  return made;
}

async function signIn(): Promise<string> {
  const csrfRes = await fetch(`${BASE}/api/auth/csrf`);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const jar = csrfRes.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const res = await fetch(`${BASE}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: jar },
    body: new URLSearchParams({
      csrfToken,
      email: "driver@spotkeeper.demo",
      password: "spotkeeper-demo",
      json: "true",
    }),
  });
  const session = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  if (!/session-token/.test(session)) throw new Error(`Sign-in failed (${res.status})`);
  return `${jar}; ${session}`;
}

async function measure(path: string, cookie: string) {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < RUNS + 3; i++) {
    const t0 = performance.now();
    const res = await fetch(`${BASE}${path}`, { headers: { cookie } });
    const body = await res.arrayBuffer();
    const ms = performance.now() - t0;
    if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
    if (i >= 3) times.push(ms); // the first requests warm caches and JIT
    bytes = body.byteLength;
  }
  times.sort((a, b) => a - b);
  const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;
  return { median: q(0.5), p95: q(0.95), bytes };
}

const count = await ensureBookings();
const cookie = await signIn();
const page = await measure("/reservations?tab=upcoming", cookie);
const home = await measure("/", cookie);
const f = (n: number) => n.toFixed(1).padStart(7);
console.log(`bookings for the driver: ${count}`);
console.log(`page                        median ms   p95 ms    KB`);
console.log(
  `/reservations (100 booked)  ${f(page.median)}  ${f(page.p95)}  ${(page.bytes / 1024).toFixed(0).padStart(4)}`,
);
console.log(
  `/ (baseline)                ${f(home.median)}  ${f(home.p95)}  ${(home.bytes / 1024).toFixed(0).padStart(4)}`,
);
console.log(`ratio reservations / home: ${(page.median / home.median).toFixed(2)}×`);
