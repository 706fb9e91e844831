import type { Sql } from "postgres";

// Rows the bench needs in bulk, written with SQL (generate_series) rather than through the API:
// thousands of drivers and booked cars are the scenery, not what is measured.

/** Drivers bench-driver-<n>, each with an API token of the same text (only its SHA-256 is stored). */
export async function insertDrivers(sql: Sql, from: number, count: number) {
  await sql`
    with u as (
      insert into users (email, name)
      select 'bench-driver-' || n || '@bench.spotkeeper.dev', 'Bench driver ' || n
      from generate_series(${from}::int, ${from + count - 1}::int) n
      returning id, email
    )
    insert into api_tokens (user_id, name, token_hash)
    select id, 'bench', encode(sha256(convert_to(split_part(email, '@', 1), 'UTF8')), 'hex') from u`;
}

export const driverToken = (n: number) => `bench-driver-${n}`;

/** One confirmed, paid-as-if reservation per spot of the lot, plate <prefix><n>, covering now. */
export async function insertBookedCars(sql: Sql, lotId: string, platePrefix: string) {
  const rows = await sql<{ n: number }[]>`
    with s as (
      select id, row_number() over (order by label) as n from spots where lot_id = ${lotId}
    ), d as (
      select id from users where email = 'bench-driver-1@bench.spotkeeper.dev'
    )
    insert into reservations (user_id, lot_id, spot_id, vehicle_type, license_plate, start_time, end_time, status, amount, currency)
    select d.id, ${lotId}, s.id, 'compact', ${platePrefix} || lpad(s.n::text, 5, '0'), now() - interval '5 minutes',
           now() + interval '3 hours', 'confirmed', 0, 'EUR'
    from s, d
    returning 1 as n`;
  return rows.length;
}

/** Operators' organisations the --scale lots belong to: ten lots each, as many operators run a few. */
const SCALE_LOTS_PER_ORGANISATION = 10;

/**
 * The --scale scenery: 1,000 more lots of 200 spots, in organisations of their own, and `pastPerLot` ×
 * 1,000 finished reservations spread over the past year (completed, so the EXCLUDE constraint does
 * not apply to them).
 */
export async function insertScale(sql: Sql, lots: number, spotsPerLot: number, pastReservations: number) {
  const [{ plan }] = await sql<{ plan: unknown }[]>`select rate_plan as plan from lots limit 1`;
  const organisations = Math.ceil(lots / SCALE_LOTS_PER_ORGANISATION);
  await sql`
    insert into organisations (name)
    select 'Scale operator ' || n from generate_series(1, ${organisations}::int) n`;
  await sql`
    with o as (select id, row_number() over (order by name) - 1 as k from organisations where name like 'Scale operator %')
    insert into lots (organisation_id, name, address, time_zone, currency, rate_plan)
    select o.id, 'Scale lot ' || n, 'Scale street ' || n, 'Europe/Paris', 'EUR', ${sql.json(plan as never)}
    from generate_series(1, ${lots}::int) n
    join o on o.k = (n - 1) % ${organisations}::int`;
  await sql`
    insert into spots (lot_id, label, vehicle_type)
    select l.id, 'S' || lpad(n::text, 4, '0'), 'compact'
    from lots l, generate_series(1, ${spotsPerLot}::int) n
    where l.name like 'Scale lot %'`;
  await sql`
    with d as (select id from users where email = 'bench-driver-1@bench.spotkeeper.dev'),
    s as (select id, lot_id, row_number() over () as k from spots where label like 'S%' and lot_id in (select id from lots where name like 'Scale lot %')),
    c as (select count(*)::int as total from s)
    insert into reservations (user_id, lot_id, spot_id, vehicle_type, license_plate, start_time, end_time, status, amount, currency, checked_in_at, checked_out_at)
    select d.id, s.lot_id, s.id, 'compact', 'PAST' || lpad(g::text, 7, '0'),
           now() - make_interval(days => 2 + (g % 360)) - make_interval(hours => ((g / c.total) % 20)::int),
           now() - make_interval(days => 2 + (g % 360)) - make_interval(hours => ((g / c.total) % 20)::int) + interval '2 hours',
           'completed', 500, 'EUR',
           now() - make_interval(days => 2 + (g % 360)), now() - make_interval(days => 2 + (g % 360)) + interval '1 hour'
    from generate_series(0, ${pastReservations - 1}::int) g
    join c on true
    join s on s.k = 1 + (g % c.total)
    cross join d`;
  // A database that has collected a year of bookings has long been vacuumed: without this, the
  // insert-triggered autovacuum of the million rows runs during the scaled phase, on the same 2 cores.
  await sql`vacuum analyze`;
}
