import { and, eq } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { lots, memberships, reservations, spots } from "../schema";
import { withSpot } from "./reservations";

/**
 * A reservation as one caller may see it: their own booking (`access: "driver"`), or one in a lot of
 * an organisation they belong to (`access`: their role there). Anything else is null, reported as
 * "not found" so ids cannot be probed. One query, so the check cannot be forgotten between two.
 */
export async function findReservationFor(
  db: DbOrTx,
  caller: { id: string },
  id: string,
  opts: { forUpdate?: boolean } = {},
) {
  const q = db
    .select({ ...withSpot, organisationId: lots.organisationId, memberRole: memberships.role })
    .from(reservations)
    .innerJoin(spots, eq(spots.id, reservations.spotId))
    .innerJoin(lots, eq(lots.id, reservations.lotId))
    .leftJoin(memberships, and(eq(memberships.organisationId, lots.organisationId), eq(memberships.userId, caller.id)))
    .where(eq(reservations.id, id))
    .limit(1);
  const [row] = opts.forUpdate ? await q.for("update", { of: reservations }) : await q;
  if (!row) return null;
  const { memberRole, ...r } = row;
  if (r.userId === caller.id) return { ...r, access: "driver" as const };
  if (memberRole) return { ...r, access: memberRole };
  return null;
}

export type ReservationForCaller = NonNullable<Awaited<ReturnType<typeof findReservationFor>>>;
