import { randomBytes } from "node:crypto";
import { asc, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateDatabase } from "@/db/migrate";
import * as schema from "@/db/schema";
import { gateDevices, lots } from "@/db/schema";
import { DEMO_LOTS, seedDemo } from "@/db/seed";

// Restarting the demo after an operator edited a demo lot (renamed it, changed its penalty,
// rotated a gate secret) must start cleanly and leave those edits alone. A database of its own:
// demo lots must not appear in the shared test database.
const base = new URL(process.env.DATABASE_URL!);
const name = `spotkeeper_seed_${randomBytes(4).toString("hex")}`;
const admin = postgres(base.toString(), { max: 1, onnotice: () => {} });
let sql: postgres.Sql;
let db: ReturnType<typeof drizzle<typeof schema>>;
const tokens = { driverToken: "demo-driver-token", operatorToken: "demo-operator-token" };

beforeAll(async () => {
  await admin.unsafe(`create database ${name}`);
  const url = new URL(base.toString());
  url.pathname = `/${name}`;
  await migrateDatabase(url.toString());
  sql = postgres(url.toString(), { max: 2, onnotice: () => {} });
  db = drizzle(sql, { schema });
});

afterAll(async () => {
  await sql?.end();
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.end();
});

describe("seeding the demo", () => {
  it("is idempotent and never touches what operators changed", async () => {
    await seedDemo(db, tokens);
    await seedDemo(db, tokens);
    expect(await db.select({ id: lots.id }).from(lots)).toHaveLength(DEMO_LOTS.length);
    expect(await db.select({ id: gateDevices.id }).from(gateDevices)).toHaveLength(DEMO_LOTS.length * 2);

    const [canal] = await db.select().from(lots).orderBy(asc(lots.createdAt)).limit(1);
    await db.update(lots).set({ name: "Canal Renamed", noShowPenalty: 1234 }).where(eq(lots.id, canal!.id));
    const [gate] = await db.select().from(gateDevices).where(eq(gateDevices.lotId, canal!.id)).limit(1);
    await db
      .update(gateDevices)
      .set({ secretHash: "rotated-by-operator", secretRotatedAt: new Date() })
      .where(eq(gateDevices.id, gate!.id));

    await seedDemo(db, tokens); // the restart
    const all = await db.select().from(lots);
    expect(all).toHaveLength(DEMO_LOTS.length);
    expect(all.find((l) => l.id === canal!.id)).toMatchObject({ name: "Canal Renamed", noShowPenalty: 1234 });
    expect(all.filter((l) => l.name === canal!.name)).toEqual([]);
    expect((await db.select().from(gateDevices).where(eq(gateDevices.id, gate!.id)))[0]).toMatchObject({
      secretHash: "rotated-by-operator",
    });
    expect(await db.select({ id: gateDevices.id }).from(gateDevices)).toHaveLength(DEMO_LOTS.length * 2);
  });
});
