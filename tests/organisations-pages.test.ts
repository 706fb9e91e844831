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
vi.mock("next/headers", () => ({ headers: async () => new Headers({ host: "spotkeeper.test" }), cookies: async () => ({ get: () => undefined }) }));

type Ids = { lotId: string; lotName: string; organisationName: string; reservationId: string };
type Page = (props: { params: Promise<Record<string, string>>; searchParams: Promise<Record<string, string>> }) => Promise<unknown>;

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
const PUBLIC_OR_OWN = new Set(["", "lots/[id]", "kiosk/[lotId]/[gateId]", "sign-in", "sign-up", "account", "reservations", "organisation/join"]);

function pagesUnder(dir: string, route = ""): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) {
      if (entry === "v1" || entry === "api") return []; // the REST API: tests/organisations-isolation.test.ts
      // Route groups ("(site)") are not part of the URL.
      return pagesUnder(full, /^\(.*\)$/.test(entry) ? route : route ? `${route}/${entry}` : entry);
    }
    return entry === "page.tsx" ? [route] : [];
  });
}

const appDir = path.join(process.cwd(), "app");
const pages = pagesUnder(appDir);
const fileOf = (route: string) => {
  const found = [route, `(site)/${route}`].map((r) => path.join(appDir, r, "page.tsx")).find((f) => statSync(f, { throwIfNoEntry: false }));
  return found!;
};

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
let intruders: [string, TestUser][];
beforeAll(async () => {
  const a = await createOrganisationWithOwner();
  const b = await createOrganisationWithOwner();
  ownerA = a.owner;
  const attendantB = await createUser("operator", { organisationId: b.organisationId, orgRole: "attendant" });
  intruders = [
    ["owner of another organisation", b.owner],
    ["attendant of another organisation", attendantB],
  ];
  const driver = await createUser("driver");
  const lot = await createTestLot({ organisationId: a.organisationId, counts: { compact: 1 } });
  const r = await createReservation(await getDb(), driver, { lot_id: lot.id, vehicle_type: "compact", start_time: at(2, 10).toISOString(), end_time: at(2, 11).toISOString() });
  const { findOrganisation } = await import("@/db/queries/organisations");
  ids = { lotId: lot.id, lotName: lot.name, organisationName: (await findOrganisation(await getDb(), a.organisationId))!.name, reservationId: r.id };
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
