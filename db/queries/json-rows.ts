import { getTableColumns, sql } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";

/**
 * `insert into <table> (…) select … from jsonb_to_recordset($1)`: many rows of one shape as one
 * JSON parameter, so the statement's text is the same for any number of rows (PostgreSQL prepares
 * it once per connection) and the app builds no SQL per value — a 200-row batch of gate events had
 * been 2,800 parameters, each built by drizzle and planned anew. The columns and their types come
 * from the table's definition; a column no row sets is left to its default. A NOT NULL column some
 * rows set and others leave out is refused: those would get null, not the default.
 */
export function insertJsonRows<T extends PgTable>(table: T, rows: T["$inferInsert"][]) {
  const columns = Object.entries(getTableColumns(table)).filter(([key, c]) => {
    const set = rows.filter((r) => (r as Record<string, unknown>)[key] !== undefined).length;
    if (set > 0 && set < rows.length && c.notNull)
      throw new Error(`insertJsonRows: ${c.name} is set on ${set} of ${rows.length} rows`);
    return set > 0;
  });
  const json = JSON.stringify(
    rows.map((r) =>
      Object.fromEntries(columns.map(([key, c]) => [c.name, (r as Record<string, unknown>)[key] ?? null])),
    ),
  );
  const names = sql.join(
    columns.map(([, c]) => sql.identifier(c.name)),
    sql`, `,
  );
  const types = sql.join(
    columns.map(([, c]) => sql`${sql.identifier(c.name)} ${sql.raw(c.getSQLType())}`),
    sql`, `,
  );
  return sql`insert into ${table} (${names}) select ${names} from jsonb_to_recordset(${json}::jsonb) as x(${types})`;
}
