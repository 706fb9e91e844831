import postgres from "postgres";
import { isDatabaseUnavailable } from "@/lib/errors";

/**
 * How long a transaction whose connection failed waits for postgres.js to notice the close before
 * it is let go the ordinary way (ROLLBACK on a connection that is, by then, evidently still open).
 */
const CLOSE_GRACE_MS = 10_000;

/**
 * The application's PostgreSQL pool: postgres.js with its transactions guarded against a driver
 * bug that otherwise kills the process.
 *
 * postgres.js 3.4 (through 3.4.9, upstream issues porsager/postgres#1066, #1154, #1208; fixes #1168,
 * #1209 unreleased) writes small messages from a setImmediate, and its `closed()` sets the socket
 * to null. When a transaction's backend dies (pg_terminate_backend, a failover, a crashed backend),
 * the failed query rejects, `begin()` catches that and writes its own ROLLBACK on the connection it
 * has just closed: the deferred write throws "Cannot read properties of null (reading 'write')" from
 * the immediate, outside any promise — an uncaught exception that ends the process (Next.js only logs
 * it). Worse, `closed()` clears the timer without resetting it, so the connection is left with a
 * stale buffered write and never flushes again: every later use of it stalls until CONNECT_TIMEOUT.
 *
 * A ROLLBACK there is pointless anyway — a backend that ends aborts its transaction — so when a
 * transaction (or savepoint) callback fails because the connection is gone, the callback is left
 * pending instead of rejecting: `begin()` rejects through its own close handler (CONNECTION_CLOSED,
 * answered 503 `unavailable`) and never writes to the dead connection. For the same reason a query,
 * savepoint or COMMIT is not sent on a transaction whose connection has already closed.
 *
 * A second driver fault, stale query state on a reconnected connection, cannot be reached from
 * here: scripts/patch-postgres.mjs mends it in node_modules on install.
 */
export function openPool(
  url: string,
  options: postgres.Options<Record<string, postgres.PostgresType>> = {},
): postgres.Sql {
  const sql = postgres(url, { onnotice: () => {}, ...options });
  const named = namedStatements();
  (sql as { unsafe: unknown }).unsafe = named(sql.unsafe.bind(sql));
  const begin = sql.begin.bind(sql) as (...args: unknown[]) => Promise<unknown>;
  (sql as { begin: unknown }).begin = (...args: unknown[]) => {
    const fn = args.pop() as (t: postgres.TransactionSql) => unknown;
    const tx: TxState = { lost: undefined, settled: false };
    const outcome = begin(...args, (t: postgres.TransactionSql) => {
      (t as { unsafe: unknown }).unsafe = named(t.unsafe.bind(t));
      return guarded(t, fn, tx);
    });
    // begin() rejects as soon as its connection closes: from then on nothing may be written to it.
    outcome.then(
      () => (tx.settled = true),
      (err: unknown) => ((tx.settled = true), (tx.lost = err)),
    );
    return outcome;
  };
  return sql;
}

/** Texts sent as named statements, per process; past it a new text goes unnamed. */
const MAX_NAMED_TEXTS = 500;
/** A text with more parameters than this (a long multi-row insert) is rarely repeated: sent unnamed. */
const MAX_NAMED_PARAMS = 200;

type Unsafe = postgres.Sql["unsafe"];

/**
 * drizzle sends every query unnamed (`prepare: false` unless the query was `.prepare()`d), and
 * postgres.js describes an unnamed statement with parameters before binding it: two round trips per
 * query, and nothing pipelined behind it. A named statement takes one round trip once postgres.js
 * has it on that connection, and PostgreSQL parses (and, once it settles on a generic plan, plans)
 * it once per connection instead of on every call. The app's query texts are a fixed set, but multi-
 * row inserts and IN lists make one text per length: so at most MAX_NAMED_TEXTS texts per process
 * are named. With `prepare: false` on the pool (DB_PREPARE=false: a pooler without prepared
 * statements) every query stays unnamed.
 */
function namedStatements() {
  const texts = new Set<string>();
  return (unsafe: Unsafe): Unsafe =>
    ((query: string, params?: unknown[], opts?: { prepare?: boolean }) => {
      // (A query without parameters is sent in one round trip either way.)
      const n = params?.length ?? 0;
      if (opts?.prepare === false && n > 0 && n <= MAX_NAMED_PARAMS) {
        if (texts.has(query) || (texts.size < MAX_NAMED_TEXTS && texts.add(query)))
          return unsafe(query, params as never, { ...opts, prepare: true });
      }
      return unsafe(query, params as never, opts);
    }) as Unsafe;
}

type TxState = { lost: unknown; settled: boolean };

async function guarded<T>(
  t: postgres.TransactionSql,
  fn: (t: postgres.TransactionSql) => T | Promise<T>,
  tx: TxState,
): Promise<T> {
  refuseAfterClose(t, tx);
  let result: T;
  try {
    result = await fn(t);
  } catch (err) {
    if (tx.lost === undefined && !isDatabaseUnavailable(err)) throw err; // rolled back as usual
    return await untilClosed(tx.lost ?? err, tx);
  }
  // The connection closed after the callback's last query: no COMMIT on it (begin() has rejected).
  if (tx.lost !== undefined) return await untilClosed(tx.lost, tx);
  return result;
}

/** Queries and savepoints a callback starts after its connection closed fail instead of being written. */
function refuseAfterClose(t: postgres.TransactionSql, tx: TxState) {
  const unsafe = t.unsafe.bind(t);
  (t as { unsafe: unknown }).unsafe = (...args: Parameters<typeof unsafe>) => {
    if (tx.lost === undefined) return unsafe(...args);
    // drizzle awaits the query itself or its .values()
    const refused = Promise.reject(tx.lost);
    return Object.assign(refused, { values: () => refused });
  };
  const savepoint = t.savepoint.bind(t) as (...args: unknown[]) => Promise<unknown>;
  (t as { savepoint: unknown }).savepoint = (...args: unknown[]) => {
    if (tx.lost !== undefined) return Promise.reject(tx.lost);
    const fn = args.pop() as (s: postgres.TransactionSql) => unknown;
    return savepoint(...args, (s: postgres.TransactionSql) => guarded(s, fn, tx));
  };
}

/**
 * Never settles once begin() has rejected (the pending callback is garbage, collected with its
 * closure); rejects with the error after CLOSE_GRACE_MS if the connection turns out to be open.
 */
function untilClosed(err: unknown, tx: TxState): Promise<never> {
  return new Promise((_, reject) => {
    setTimeout(() => tx.settled || reject(err), CLOSE_GRACE_MS).unref();
  });
}
