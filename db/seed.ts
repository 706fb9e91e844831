import { and, eq, isNotNull, sql } from "drizzle-orm";
import { hashPassword, hashToken } from "@/lib/auth/secrets";
import { RatePlan, type RatePlanInput } from "@/lib/pricing/rate-plan";
import type { Db } from "./client";
import { spotsFromCounts } from "./queries/lots";
import { LOCKS } from "./locks";
import { DEMO_ORGANISATION_ID } from "./queries/organisations";
import {
  apiTokens,
  gateDevices,
  lots,
  memberships,
  organisations,
  spots,
  users,
  type NewLot,
  type SpotCounts,
} from "./schema";

export const DEMO_PASSWORD = "spotkeeper-demo";
export const DEMO_USERS = [
  { email: "driver@spotkeeper.demo", name: "Dana Driver", role: "driver" as const },
  { email: "operator@spotkeeper.demo", name: "Omar Operator", role: "operator" as const },
];

type DemoLot = Omit<NewLot, "ratePlan" | "organisationId" | "seedKey"> & {
  seedKey: string;
  ratePlan: RatePlanInput;
  counts: SpotCounts;
  levels: string[];
};

// Three lots in three time zones; Shibuya is tiny on purpose, so a full lot is easy to see.
export const DEMO_LOTS: DemoLot[] = [
  {
    seedKey: "canal-street-garage",
    name: "Canal Street Garage",
    city: "Amsterdam",
    latitude: 52.3752,
    longitude: 4.884,
    address: "Prinsengracht 263, 1016 GV Amsterdam, NL",
    timeZone: "Europe/Amsterdam",
    currency: "EUR",
    noShowPenalty: 500,
    // A city-centre garage: commuter peak, cheap nights, demand pricing and a daily cap.
    ratePlan: {
      base_hourly: { compact: 350, large: 500, ev: 450, handicapped: 300 },
      ev_surcharge_hourly: 100,
      bands: [
        { label: "Weekday peak", days: [1, 2, 3, 4, 5], from: "07:00", to: "10:00", multiplier: 1.5 },
        { label: "Night", days: [1, 2, 3, 4, 5, 6, 7], from: "22:00", to: "06:00", multiplier: 0.6 },
      ],
      occupancy_steps: [
        { above_percent: 80, multiplier: 1.2 },
        { above_percent: 90, multiplier: 1.5 },
      ],
      occupancy_cap_multiplier: 1.5,
      billing_increment_minutes: 15,
      minimum_charge: 200,
      daily_max: 3000,
    },
    counts: { compact: 12, large: 6, ev: 6, handicapped: 4 },
    levels: ["P1", "P2"],
  },
  {
    seedKey: "mission-bay-lot",
    name: "Mission Bay Lot",
    city: "San Francisco",
    latitude: 37.768,
    longitude: -122.3877,
    address: "1 Warriors Way, San Francisco, CA 94158, US",
    timeZone: "America/Los_Angeles",
    currency: "USD",
    noShowPenalty: 1000,
    cancelFullRefundMinutesBefore: 60,
    cancelLateRefundPercent: 50,
    ratePlan: {
      base_hourly: { compact: 400, large: 600, ev: 550, handicapped: 400 },
      bands: [{ label: "Weekend", days: [6, 7], from: "00:00", to: "24:00", multiplier: 1.25 }],
      billing_increment_minutes: 30,
      minimum_charge: 500,
      daily_max: 4000,
    },
    counts: { compact: 10, large: 5, ev: 4, handicapped: 3 },
    levels: ["G"],
  },
  {
    seedKey: "shibuya-mini-park",
    name: "Shibuya Mini Park",
    city: "Tokyo",
    latitude: 35.6595,
    longitude: 139.7005,
    address: "2-21-1 Shibuya, Tokyo 150-0002, JP",
    timeZone: "Asia/Tokyo",
    currency: "JPY",
    noShowPenalty: 500,
    ratePlan: { base_hourly: { compact: 400, large: 600, ev: 500, handicapped: 400 }, daily_max: 3000 },
    counts: { compact: 2, large: 2, ev: 2, handicapped: 2 },
    levels: ["B1"],
  },
];

/**
 * The demo gates' fixed secrets (listed in lib/gates/README.md): `gk_demo_canal-street-garage_entry`, …
 * Derived from the lot's seed key (the slug of its original name), never from its current name.
 */
export const demoGateSecret = (seedKey: string, direction: "entry" | "exit") =>
  `gk_demo_${seedKey
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")}_${direction}`;

/**
 * Demo data, idempotent: users and their API tokens are (re)written on every start, so the tokens
 * always match DEMO_DRIVER_TOKEN / DEMO_OPERATOR_TOKEN; lots are created once.
 */
export async function seedDemo(db: Db, tokens: { driverToken: string; operatorToken: string }) {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${LOCKS.demoSeed})`);
    let demoOperatorId: string | undefined;
    for (const u of DEMO_USERS) {
      const [user] = await tx
        .insert(users)
        .values({ ...u, passwordHash })
        .onConflictDoUpdate({ target: users.email, set: { role: u.role } })
        .returning({ id: users.id });
      const token = u.role === "operator" ? tokens.operatorToken : tokens.driverToken;
      await tx.delete(apiTokens).where(and(eq(apiTokens.userId, user!.id), eq(apiTokens.name, "demo")));
      await tx.delete(apiTokens).where(eq(apiTokens.tokenHash, hashToken(token)));
      await tx.insert(apiTokens).values({ userId: user!.id, name: "demo", tokenHash: hashToken(token) });
      if (u.role === "operator") demoOperatorId = user!.id;
    }
    // The demo lots belong to one organisation, owned by the demo operator.
    await tx.insert(organisations).values({ id: DEMO_ORGANISATION_ID, name: "Spotkeeper Demo" }).onConflictDoNothing();
    await tx
      .insert(memberships)
      .values({ organisationId: DEMO_ORGANISATION_ID, userId: demoOperatorId!, role: "owner" })
      .onConflictDoUpdate({ target: [memberships.organisationId, memberships.userId], set: { role: "owner" } });
    // Lots are found by their stable seed key, never by name: an operator may rename a demo lot.
    // A database seeded before the key existed is adopted through the demo entry gate's secret,
    // which identifies its lot whatever it is called now.
    for (const { seedKey } of DEMO_LOTS) {
      await tx.execute(sql`
        update ${lots} set seed_key = ${seedKey}
        where seed_key is null
          and not exists (select 1 from ${lots} l2 where l2.seed_key = ${seedKey})
          and id = (select lot_id from ${gateDevices} where secret_hash = ${hashToken(demoGateSecret(seedKey, "entry"))} limit 1)`);
    }
    for (const { counts, levels, ...values } of DEMO_LOTS) {
      const [lot] = await tx
        .insert(lots)
        .values({ ...values, organisationId: DEMO_ORGANISATION_ID, ratePlan: RatePlan.parse(values.ratePlan) })
        .onConflictDoNothing({ target: lots.seedKey })
        .returning();
      if (!lot) continue; // seeded before: whatever operators made of it stays
      for (const [i, level] of levels.entries()) {
        // Split the counts over the levels, the first level taking the remainder.
        const share = Object.fromEntries(
          Object.entries(counts).map(([t, n]) => [
            t,
            Math.floor(n / levels.length) + (i === 0 ? n % levels.length : 0),
          ]),
        ) as SpotCounts;
        await tx.insert(spots).values(await spotsFromCounts(tx, lot, share, level));
      }
    }
    // One entry and one exit gate per demo lot, with the documented secrets, (re)written on every
    // start like the tokens — unless an operator rotated the secret, or renamed the gate (its
    // secret then exists under the new name, and nothing is inserted). Only the demo organisation's
    // seeded lots: seeding never touches a real gate's credential.
    const demoLots = await tx
      .select({ id: lots.id, seedKey: lots.seedKey })
      .from(lots)
      .where(and(isNotNull(lots.seedKey), eq(lots.organisationId, DEMO_ORGANISATION_ID)));
    for (const lot of demoLots) {
      for (const direction of ["entry", "exit"] as const) {
        const secretHash = hashToken(demoGateSecret(lot.seedKey!, direction));
        const name = direction === "entry" ? "Entry" : "Exit";
        const [same] = await tx
          .select({ id: gateDevices.id, rotated: gateDevices.secretRotatedAt })
          .from(gateDevices)
          .where(and(eq(gateDevices.lotId, lot.id), eq(gateDevices.name, name)));
        if (same) {
          if (!same.rotated)
            await tx.update(gateDevices).set({ direction, secretHash }).where(eq(gateDevices.id, same.id));
          continue;
        }
        await tx.insert(gateDevices).values({ lotId: lot.id, name, direction, secretHash }).onConflictDoNothing();
      }
    }
  });
}
