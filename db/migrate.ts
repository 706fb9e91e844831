import path from "node:path";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { LOCKS } from "./locks";

// Several processes (the app, test workers) may start at once against one database: a session-level
// advisory lock makes exactly one of them apply the migrations while the others wait.
const MIGRATION_LOCK = LOCKS.migrations;

export async function migrateDatabase(url: string) {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK})`;
    await migrate(drizzle(sql), { migrationsFolder: path.join(process.cwd(), "db/migrations") });
    await sql`select pg_advisory_unlock(${MIGRATION_LOCK})`;
  } finally {
    await sql.end();
  }
}

// `npm run db:migrate`
if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error("DATABASE_URL is required for db:migrate (the demo migrates its embedded database itself).");
    process.exit(1);
  }
  migrateDatabase(url).then(
    () => console.log("migrations applied"),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
