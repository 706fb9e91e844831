/**
 * What an audit entry changed, for a person reading the log: the leaves of `before` and `after` that
 * differ, by dotted path ("ratePlan.base_hourly.compact: 400 → 750"). Timestamps every write touches
 * are left out, so an edit reads as the fields the operator changed.
 */
export type AuditChange = { field: string; from: string; to: string };

const NOISE = new Set(["updatedAt", "updated_at", "createdAt", "created_at"]);
const MAX_VALUE = 60;

function leaves(value: unknown, prefix: string, out: Map<string, unknown>) {
  if (value && typeof value === "object" && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) if (!NOISE.has(k)) leaves(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) {
    out.set(prefix, value);
  }
  return out;
}

const show = (v: unknown) => {
  if (v === undefined || v === null) return "—";
  const text = typeof v === "string" ? v : JSON.stringify(v);
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
};

export function auditChanges(before: unknown, after: unknown): AuditChange[] {
  const b = leaves(before, "", new Map());
  const a = leaves(after, "", new Map());
  const changes: AuditChange[] = [];
  for (const field of new Set([...b.keys(), ...a.keys()])) {
    const from = b.get(field);
    const to = a.get(field);
    if (JSON.stringify(from) !== JSON.stringify(to)) changes.push({ field, from: show(from), to: show(to) });
  }
  return changes;
}
