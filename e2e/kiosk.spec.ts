import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { expect, test, type APIRequestContext } from "@playwright/test";

// The kiosk page, fed by the real gate bridge (gate-kiosk in its own process; scans typed into its
// stdin as a keyboard-wedge scanner types them) deciding against the app's own gates API with the
// demo lot's entry gate (secrets documented in lib/gates/README.md).

const LOT_NAME = "Canal Street Garage";
const GATE_SECRET = "gk_demo_canal-street-garage_entry";
const DRIVER = { authorization: "Bearer demo-driver-token" };
const OPERATOR = { authorization: "Bearer demo-operator-token" };

type Gate = { lotId: string; gateId: string };
type Booking = { reservation_id: string; spot_label: string; license_plate: string };
type Bridge = { child: ChildProcess; url: string; scan: (text: string) => void };

async function entryGate(request: APIRequestContext): Promise<Gate> {
  const lots = (await (await request.get("/v1/lots")).json()) as { data: { id: string; name: string }[] };
  const lotId = lots.data.find((l) => l.name === LOT_NAME)!.id;
  const gates = (await (await request.get(`/v1/lots/${lotId}/gates`, { headers: OPERATOR })).json()) as {
    data: { gate_id: string; direction: string }[];
  };
  return { lotId, gateId: gates.data.find((g) => g.direction === "entry")!.gate_id };
}

/** A paid booking starting now, for a plate no other run has used. */
async function bookNow(request: APIRequestContext, lotId: string): Promise<Booking> {
  const plate = `K${Date.now().toString(36).toUpperCase().slice(-6)}`;
  const start = new Date();
  const res = await request.post("/v1/reservations", {
    headers: DRIVER,
    data: {
      lot_id: lotId,
      vehicle_type: "compact",
      start_time: start.toISOString(),
      end_time: new Date(start.getTime() + 2 * 3600_000).toISOString(),
      license_plate: plate,
    },
  });
  expect(res.status(), await res.text()).toBe(201);
  const booking = (await res.json()) as Booking & { amount: number };
  const paid = await request.post("/v1/payments", {
    headers: DRIVER,
    data: { reservation_id: booking.reservation_id, amount: booking.amount, payment_method_id: "pm_card_visa" },
  });
  expect(paid.status(), await paid.text()).toBe(201);
  return booking;
}

function startBridge(serverUrl: string, gate: Gate): Promise<Bridge> {
  const child = spawn(process.execPath, ["--import", "tsx", "gate-kiosk/src/cli.ts"], {
    env: {
      ...process.env,
      SERVER_URL: serverUrl,
      LOT_ID: gate.lotId,
      GATE_ID: gate.gateId,
      GATE_SECRET,
      DIRECTION: "entry",
      BRIDGE_PORT: "0",
      QUEUE_DIR: mkdtempSync(path.join(os.tmpdir(), "kiosk-e2e-")),
      // The page is served by the app at baseURL; through the proxy the server's origin differs.
      KIOSK_ORIGINS: test.info().project.use.baseURL!,
      SCANNER_STDIN: "true",
      COMMAND_POLL_MS: "250",
      REPLAY_INTERVAL_MS: "250",
      // A route's first request on a cold CI server can take longer than a car would wait; the
      // 300 ms deadline itself is covered by gate-kiosk's own tests.
      SERVER_TIMEOUT_MS: "5000",
    },
    stdio: ["pipe", "ignore", "pipe"],
  });
  bridges.push(child);
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stderr! }).on("line", (line) => {
      if (!line.startsWith("{")) return;
      const entry = JSON.parse(line) as { msg: string; url?: string };
      if (entry.msg === "gate bridge started" && entry.url)
        resolve({ child, url: entry.url, scan: (text) => child.stdin!.write(`${text}\n`) });
    });
    child.once("exit", (code) => reject(new Error(`gate bridge exited with ${code}`)));
  });
}

/** A TCP hop between the bridge and the app that the test can cut, as a dead uplink would. */
class Uplink {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  constructor(private readonly target: URL) {}

  async up() {
    const server = net.createServer((client) => {
      const upstream = net.connect(Number(this.target.port), this.target.hostname);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on("close", () => this.sockets.delete(s));
        s.on("error", () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(this.port, "127.0.0.1", resolve));
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  async down() {
    const server = this.server;
    this.server = null;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
}

const bridges: ChildProcess[] = [];

test.afterEach(async () => {
  for (const child of bridges.splice(0)) {
    if (child.exitCode !== null) continue;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  }
});

test("the kiosk welcomes a booked car with its spot and turns an unknown plate away with the reason", async ({
  page,
  request,
  baseURL,
}) => {
  const gate = await entryGate(request);
  const booking = await bookNow(request, gate.lotId);
  const bridge = await startBridge(baseURL!, gate);

  await page.goto(`/kiosk/${gate.lotId}/${gate.gateId}?bridge=${encodeURIComponent(bridge.url)}`);
  const band = page.getByRole("status", { name: "Connection" });
  const screen = page.getByRole("region", { name: "Gate" });
  await expect(band).toHaveText(/Online/);
  await expect(screen.getByRole("heading", { level: 1 })).toHaveText(`Welcome to ${LOT_NAME}`);

  bridge.scan(booking.license_plate.toLowerCase());
  await expect(screen.getByRole("heading", { level: 1 })).toHaveText("Welcome!");
  await expect(screen.getByTestId("spot-label")).toHaveText(booking.spot_label);
  await expect(screen).toContainText(/Level \S+ · Entry · The barrier is opening/);
  await page.screenshot({ path: test.info().outputPath("kiosk-open.png") });

  bridge.scan("ZZ 999 ZZ");
  await expect(screen.getByRole("heading", { level: 1 })).toHaveText("No entry");
  await expect(screen).toContainText("No reservation found for this vehicle.");
  await expect(screen.getByText("Please call the attendant")).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("kiosk-deny.png") });
});

test("with the server unreachable the kiosk shows offline mode, lets booked cars in from the signed cache and a signed QR pass, and syncs when the server is back", async ({
  page,
  request,
  baseURL,
}) => {
  const gate = await entryGate(request);
  const booking = await bookNow(request, gate.lotId);
  const passHolder = await bookNow(request, gate.lotId);
  const pass = (await (
    await request.get(`/v1/reservations/${passHolder.reservation_id}/pass`, { headers: DRIVER })
  ).json()) as { token: string };
  const uplink = new Uplink(new URL(baseURL!));
  await uplink.up();
  const bridge = await startBridge(`http://127.0.0.1:${uplink.port}`, gate);

  await page.goto(`/kiosk/${gate.lotId}/${gate.gateId}?bridge=${encodeURIComponent(bridge.url)}`);
  const band = page.getByRole("status", { name: "Connection" });
  const screen = page.getByRole("region", { name: "Gate" });
  await expect(band).toHaveText(/Online/);
  // The signed offline cache (fetched at start) must be in hand before the line goes down.
  await expect
    .poll(
      async () =>
        ((await (await request.get(`${bridge.url}/status`)).json()) as { cache_valid_until: string | null })
          .cache_valid_until,
    )
    .not.toBeNull();

  await uplink.down();
  await expect(band).toHaveText(/Server unreachable — offline mode/);

  await page.getByRole("button", { name: "Type your plate" }).click();
  const keypad = page.getByRole("dialog", { name: "Type your licence plate" });
  for (const key of booking.license_plate) await keypad.getByRole("button", { name: key, exact: true }).click();
  await expect(keypad.getByRole("textbox", { name: "Licence plate" })).toHaveValue(booking.license_plate);
  await page.screenshot({ path: test.info().outputPath("kiosk-keypad.png") });
  await keypad.getByRole("button", { name: "Check in" }).click();

  await expect(keypad).toBeHidden();
  await expect(screen.getByTestId("spot-label")).toHaveText(booking.spot_label);
  await expect(screen).toContainText("Decided by the gate while offline");
  await expect(band).toContainText("1 waiting to sync");
  await page.screenshot({ path: test.info().outputPath("kiosk-offline.png") });

  // The QR pass as the driver's phone shows it, verified with the server's Ed25519 key the bridge cached.
  bridge.scan(pass.token);
  await expect(screen.getByTestId("spot-label")).toHaveText(passHolder.spot_label);
  await expect(band).toContainText("2 waiting to sync");

  await uplink.up();
  await expect(band).toHaveText(/^\s*Online\s*$/);
  // The replays were acknowledged, so the server has them: both cars are checked in, logged as offline entries.
  for (const { reservation_id } of [booking, passHolder]) {
    await expect
      .poll(
        async () =>
          (
            (await (await request.get(`/v1/reservations/${reservation_id}`, { headers: DRIVER })).json()) as {
              status: string;
            }
          ).status,
      )
      .toBe("checked_in");
  }
  await expect
    .poll(async () => {
      const log = (await (
        await request.get(`/v1/lots/${gate.lotId}/gate-events?limit=200`, { headers: OPERATOR })
      ).json()) as {
        data: { identifier: string; offline: boolean; action: string; reservation_id: string | null }[];
      };
      return log.data.filter((e) => e.reservation_id === booking.reservation_id);
    })
    .toEqual([expect.objectContaining({ offline: true, action: "open_barrier", identifier: booking.license_plate })]);
  await uplink.down();
});

test("a kiosk address naming no lot or gate says the screen is not set up, never welcome", async ({
  page,
  request,
}) => {
  const gate = await entryGate(request);
  for (const path of [`/kiosk/unknown/unknown`, `/kiosk/${gate.lotId}/00000000-0000-4000-8000-000000000000`]) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("This screen is not set up");
    await expect(page.getByRole("status", { name: "Connection" })).toHaveText(/Gate out of service/);
    await expect(page.getByText(/Welcome/)).toHaveCount(0);
  }
  await page.screenshot({ path: test.info().outputPath("kiosk-not-set-up.png") });
});

test("the bridge serves its own kiosk screen, which works with the server unreachable", async ({ page, request }) => {
  const gate = await entryGate(request);
  const bridge = await startBridge("http://127.0.0.1:9", gate);
  await page.goto(`${bridge.url}/`);
  await expect(page.getByRole("status")).toHaveText(/Offline mode/);
  await page.getByPlaceholder("Type your plate").fill("ZZ999ZZ");
  await page.getByRole("button", { name: "Check" }).click();
  await expect(page.locator("#msg")).toHaveText(/scan your QR pass or call the attendant|cannot check reservations/i);
  await page.screenshot({ path: test.info().outputPath("bridge-kiosk-offline.png") });
});
