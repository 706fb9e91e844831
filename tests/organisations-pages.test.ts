import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { getDb } from "@/db/client";
import type { Caller } from "@/lib/auth/caller";
import { createReservation } from "@/lib/reservations/create-reservation";
import { at, createOrganisationWithOwner, createTestLot, createUser, type TestUser } from "./fixtures";

// The site's pages, walked from app/: as the owner and as an attendant of organisation B, every page
// about a lot or a booking of organisation A answers "not found" (as the API does), and the pages
// that list an operator's organisations and lots show none of A's. Each page is also opened by A's
// owner, so a page that fails for everyone cannot pass. A new page fails until it is in a table.

let current: Caller | null = null;
vi.mock("@/lib/auth/session", () => ({ getSessionCaller: async () => current }));
vi.mock("next/headers", () => ({
  headers: async () => new Headers({ host: "spotkeeper.test" }),
  cookies: async () => ({ get: () => undefined }),
}));

type Ids = { lotId: string; lotName: string; organisationName: string; reservationId: string };
type Page = (props: {
  params: Promise<Record<string, string>>;
  searchParams: Promise<Record<string, string>>;
}) => Promise<unknown>;

/** Pages about one of A's records: B's members are told it does not exist. */
const SCOPED: Record<string, (a: Ids) => Record<string, string>> = {
  "dashboard/lots/[id]": (a) => ({ id: a.lotId }),
  "reservations/[id]": (a) => ({ id: a.reservationId }),
};
/** Pages that list the caller's organisations or lots: none of A's for B's members. */
const LISTS: Record<string, (a: Ids) => string[]> = {
  dashboard: (a) => [a.lotId, a.lotName],
  organisation: (a) => [a.organisationName],
};
// Public pages (a lot's booking page and the gate screen: drivers are every organisation's
// customers) and pages about the caller's own account, bookings or invitation.
const PUBLIC_OR_OWN = new Set([
  "",
  "lots/[id]",
  "kiosk/[lotId]/[gateId]",
  "sign-in",
  "sign-up",
  "account",
  "reservations",
  "organisation/join",
]);

/** URL paths (route groups left out) of every `file` under app/, with the file itself. */
function filesUnder(file: string, dir: string, route = ""): { route: string; file: string }[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) {
      if (!route && entry === "v1") return []; // the REST API: tests/organisations-isolation.test.ts
      // Route groups ("(site)") are not part of the URL.
      return filesUnder(file, full, /^\(.*\)$/.test(entry) ? route : route ? `${route}/${entry}` : entry);
    }
    return entry === file ? [{ route, file: full }] : [];
  });
}

const appDir = path.join(process.cwd(), "app");
const pageFiles = filesUnder("page.tsx", appDir);
const pages = pageFiles.map((p) => p.route);
const fileOf = (route: string) => pageFiles.find((p) => p.route === route)!.file;

/** Every text in the element tree a server component returned: its children and its components' props. */
function rendered(tree: unknown): string {
  const seen = new WeakSet<object>();
  const texts: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === "string" || typeof v === "number") texts.push(String(v));
    else if (v && typeof v === "object" && !seen.has(v)) {
      seen.add(v);
      for (const [k, child] of Object.entries(v)) if (!k.startsWith("_")) walk(child);
    }
  };
  walk(tree);
  return texts.join("\n");
}

async function open(route: string, user: TestUser, params: Record<string, string>) {
  current = { id: user.id, email: user.email, name: user.name, role: user.role };
  const page = ((await import(/* @vite-ignore */ fileOf(route))) as { default: Page }).default;
  try {
    return { tree: await page({ params: Promise.resolve(params), searchParams: Promise.resolve({}) }), digest: null };
  } catch (err) {
    const digest = (err as { digest?: string }).digest;
    if (!digest) throw err;
    return { tree: null, digest };
  }
}

let ids: Ids;
let ownerA: TestUser;
let managerA: TestUser;
let intruders: [string, TestUser][];
beforeAll(async () => {
  const a = await createOrganisationWithOwner();
  const b = await createOrganisationWithOwner();
  ownerA = a.owner;
  managerA = await createUser("operator", { organisationId: a.organisationId, orgRole: "manager" });
  const attendantB = await createUser("operator", { organisationId: b.organisationId, orgRole: "attendant" });
  intruders = [
    ["owner of another organisation", b.owner],
    ["attendant of another organisation", attendantB],
  ];
  const driver = await createUser("driver");
  const lot = await createTestLot({ organisationId: a.organisationId, counts: { compact: 1 } });
  const r = await createReservation(await getDb(), driver, {
    lot_id: lot.id,
    vehicle_type: "compact",
    start_time: at(2, 10).toISOString(),
    end_time: at(2, 11).toISOString(),
  });
  const { findOrganisation } = await import("@/db/queries/organisations");
  ids = {
    lotId: lot.id,
    lotName: lot.name,
    organisationName: (await findOrganisation(await getDb(), a.organisationId))!.name,
    reservationId: r.id,
  };
});

describe("every page refuses another organisation's lots and bookings", () => {
  it("finds the pages", () => expect(pages.length).toBeGreaterThan(8));

  for (const route of pages.filter((r) => !PUBLIC_OR_OWN.has(r))) {
    it(`/${route}`, async () => {
      const scoped: ((a: Ids) => Record<string, string>) | undefined = SCOPED[route];
      const listed: ((a: Ids) => string[]) | undefined = LISTS[route];
      expect(scoped ?? listed, `/${route} is new: add it to SCOPED, LISTS or PUBLIC_OR_OWN`).toBeDefined();
      const params = scoped ? scoped(ids) : {};
      const own = await open(route, ownerA, params);
      expect(own.digest, "the lot's own owner opens the page").toBeNull();
      if (listed) for (const text of listed(ids)) expect(rendered(own.tree)).toContain(text);

      for (const [who, intruder] of intruders) {
        const seen = await open(route, intruder, params);
        if (scoped !== undefined) expect(seen.digest, who).toMatch(/^NEXT_HTTP_ERROR_FALLBACK;404/);
        else for (const text of listed!(ids)) expect(rendered(seen.tree), who).not.toContain(text);
      }
    });
  }
});

// The site's own route handlers outside the REST API (downloads behind the pages).
const HANDLERS_SCOPED: Record<string, (a: Ids) => Record<string, string>> = {
  "dashboard/lots/[id]/revenue.csv": (a) => ({ id: a.lotId }),
  "reservations/[id]/calendar.ics": (a) => ({ id: a.reservationId }),
};
// Sign-in, Stripe's and Inngest's callbacks, health checks and the kiosk's manifest: no organisation's data.
const HANDLERS_PUBLIC = new Set([
  "api/auth/[...nextauth]",
  "api/inngest",
  "api/webhooks/stripe",
  "health",
  "ready",
  "kiosk.webmanifest",
]);

describe("every site route handler refuses another organisation's lots and bookings", () => {
  const handlers = filesUnder("route.ts", appDir);
  it("finds the handlers", () => expect(handlers.length).toBeGreaterThan(4));

  for (const { route, file } of handlers.filter((h) => !HANDLERS_PUBLIC.has(h.route))) {
    it(`GET /${route}`, async () => {
      const scoped = HANDLERS_SCOPED[route];
      expect(scoped, `/${route} is new: add it to HANDLERS_SCOPED or HANDLERS_PUBLIC`).toBeDefined();
      const { GET } = (await import(/* @vite-ignore */ file)) as {
        GET: (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
      };
      const get = (user: TestUser) => {
        current = { id: user.id, email: user.email, name: user.name, role: user.role };
        return GET(new Request(`http://spotkeeper.test/${route}`), { params: Promise.resolve(scoped!(ids)) });
      };
      expect((await get(ownerA)).status, "the lot's own owner").toBe(200);
      for (const [who, intruder] of intruders) expect((await get(intruder)).status, who).toBe(404);
    });
  }
});

describe("the revenue export", () => {
  it("is money: the owners', not the lot's managers' (403)", async () => {
    const { GET } = await import("@/app/(site)/dashboard/lots/[id]/revenue.csv/route");
    current = { id: managerA.id, email: managerA.email, name: managerA.name, role: managerA.role };
    const res = await GET(new Request("http://spotkeeper.test/"), { params: Promise.resolve({ id: ids.lotId }) });
    expect(res.status).toBe(403);
  });
});
