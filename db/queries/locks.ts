import { sql } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { LOCKS } from "../locks";

// Transaction-scoped advisory locks (`space`, hashtext(name)), the spaces named in db/locks.ts. They
// are released at COMMIT or ROLLBACK, which transaction pooling (PgBouncer) allows.

/** Waits for the lock on `name` in `space` until the transaction ends; `shared` lets other shared holders in. */
export async function lock(tx: DbOrTx, space: number, name: string, mode: "exclusive" | "shared" = "exclusive") {
  await tx.execute(lockStatement(space, name, mode));
}

/** The statement `lock` runs (for a caller that sends it with others: db/queries/pipelined.ts). */
export const lockStatement = (space: number, name: string, mode: "exclusive" | "shared" = "exclusive") =>
  mode === "shared"
    ? sql`select pg_advisory_xact_lock_shared(${space}, hashtext(${name}))`
    : sql`select pg_advisory_xact_lock(${space}, hashtext(${name}))`;

/** The spot's lock, the one every writer of its bookings takes (allocation, moves, extensions). */
export const lockSpot = (tx: DbOrTx, spotId: string) => lock(tx, LOCKS.spot, spotId);

/** Locks on many names in one statement, in one global order, so two holders never deadlock. */
export async function lockNames(tx: DbOrTx, space: number, names: string[]) {
  if (names.length === 0) return;
  const values = sql.join(
    names.map((n) => sql`(${n})`),
    sql`, `,
  );
  await tx.execute(
    sql`select pg_advisory_xact_lock(${space}, h) from (select distinct hashtext(n) as h from (values ${values}) v(n) order by 1) s`,
  );
}
