import { beforeAll, describe, expect, it, vi } from "vitest";
import type { Caller } from "@/lib/auth/caller";
import { at, createOrganisationWithOwner, createTestLot, createUser, type TestUser } from "./fixtures";
import { bookOk } from "./support/driver-api";

// The site's own pages and downloads that show a lot's or a booking's data follow the API's rule
// (lib/auth/lot-access.ts): the driver's own booking, or a lot of the caller's organisation with a
// high enough role; to anyone else it does not exist (404), so ids of other organisations cannot be probed.
let current: Caller | null = null;
vi.mock("@/lib/auth/session", () => ({ getSessionCaller: async () => current }));

const { default: ManageLotPage } = await import("@/app/(site)/dashboard/lots/[id]/page");
const { default: ReservationPage } = await import("@/app/(site)/reservations/[id]/page");
const { GET: revenueCsv } = await import("@/app/(site)/dashboard/lots/[id]/revenue.csv/route");
const { GET: calendarIcs } = await import("@/app/(site)/reservations/[id]/calendar.ics/route");

const as = (u: TestUser | null) => {
  current = u && { id: u.id, email: u.email, name: u.name, role: u.role };
};
const NOT_FOUND = { digest: "NEXT_HTTP_ERROR_FALLBACK;404" };

let lotId: string;
let bookingId: string;
let owner: TestUser;
let attendant: TestUser;
let outsider: TestUser;
let driver: TestUser;
beforeAll(async () => {
  const org = await createOrganisationWithOwner();
  owner = org.owner;
  attendant = await createUser("operator", { organisationId: org.organisationId, orgRole: "attendant" });
  outsider = (await createOrganisationWithOwner()).owner;
  driver = await createUser("driver");
  lotId = (await createTestLot({ counts: { compact: 1 }, organisationId: org.organisationId })).id;
  bookingId = (await bookOk(driver, lotId, at(1, 9), at(1, 10))).reservation_id;
});

describe("the lot dashboard", () => {
  const page = () =>
    ManageLotPage({ params: Promise.resolve({ id: lotId }), searchParams: Promise.resolve({ section: "money" }) });

  it("does not exist for an operator of another organisation", async () => {
    as(outsider);
    await expect(page()).rejects.toMatchObject(NOT_FOUND);
  });

  it("opens for any member of the lot's organisation", async () => {
    for (const member of [owner, attendant]) {
      as(member);
      await expect(page()).resolves.toBeTruthy();
    }
  });
});

describe("the revenue CSV", () => {
  const csv = () =>
    revenueCsv(new Request(`http://site.test/dashboard/lots/${lotId}/revenue.csv`), {
      params: Promise.resolve({ id: lotId }),
    });

  it("is the owners' only: 404 outside the organisation, 403 to an attendant, 401 signed out", async () => {
    as(outsider);
    expect((await csv()).status).toBe(404);
    as(driver);
    expect((await csv()).status).toBe(404);
    as(attendant);
    expect((await csv()).status).toBe(403);
    as(null);
    expect((await csv()).status).toBe(401);
    as(owner);
    const res = await csv();
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/csv");
  });
});

describe("a booking's page and calendar file", () => {
  const ics = () =>
    calendarIcs(new Request(`http://site.test/reservations/${bookingId}/calendar.ics`), {
      params: Promise.resolve({ id: bookingId }),
    });
  const view = () => ReservationPage({ params: Promise.resolve({ id: bookingId }) });

  it("are its driver's and the lot organisation's members', and missing for an operator of another organisation", async () => {
    as(outsider);
    expect((await ics()).status).toBe(404);
    await expect(view()).rejects.toMatchObject(NOT_FOUND);
    for (const allowed of [driver, attendant]) {
      as(allowed);
      const res = await ics();
      expect(res.status).toBe(200);
      expect(await res.text()).toContain(`UID:${bookingId}@spotkeeper`);
      await expect(view()).resolves.toBeTruthy();
    }
  });
});
