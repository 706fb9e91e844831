import { and, desc, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { auditLog, users } from "../schema";

export type AuditInput = {
  organisationId: string;
  actorId: string | null;
  action: string;
  targetType: string;
  targetId: string;
  before?: unknown;
  after?: unknown;
};

export async function insertAudit(db: DbOrTx, e: AuditInput) {
  await db.insert(auditLog).values({ ...e, before: e.before ?? null, after: e.after ?? null });
}

/** Newest first; the cursor is the last row's (created_at, id). */
export async function listAudit(
  db: DbOrTx,
  organisationId: string,
  q: { limit: number; cursor?: { createdAt: Date; id: string } },
) {
  const createdMs = sql`date_trunc('milliseconds', ${auditLog.createdAt})`;
  return db
    .select({ entry: auditLog, actorEmail: users.email, actorName: users.name })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
    .where(
      and(
        eq(auditLog.organisationId, organisationId),
        q.cursor
          ? sql`(${createdMs}, ${auditLog.id}) < (${q.cursor.createdAt.toISOString()}::timestamptz, ${q.cursor.id}::uuid)`
          : undefined,
      ),
    )
    .orderBy(desc(createdMs), desc(auditLog.id))
    .limit(q.limit + 1);
}
