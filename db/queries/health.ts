import { sql } from "drizzle-orm";
import type { DbOrTx } from "../client";

/** The cheapest round trip: does PostgreSQL answer on this pool? */
export async function ping(db: DbOrTx) {
  await db.execute(sql`select 1`);
}
