// Run by playwright.config.ts's webServer command before `next start`: gives the server under test an
// empty database, so every run starts from the seeded demo data and nothing else.
import { rmSync } from "node:fs";
import path from "node:path";
import postgres from "postgres";

const adminUrl = process.env.E2E_ADMIN_DATABASE_URL;
const database = process.env.E2E_DATABASE;
const embeddedDir = process.env.E2E_EMBEDDED_DIR;

if (adminUrl && database) {
  if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new Error(`Refusing to recreate database "${database}"`);
  // Connect to the database DATABASE_URL names (it exists); a database cannot drop itself.
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    // WITH (FORCE) ends sessions a previous, killed run left behind (PostgreSQL 13+).
    await sql.unsafe(`drop database if exists "${database}" with (force)`);
    await sql.unsafe(`create database "${database}"`);
    console.log(`[e2e] fresh database ${database}`);
  } finally {
    await sql.end({ timeout: 5 });
  }
} else if (embeddedDir) {
  // As root in a mode-700 home the cluster lives under /var/lib/spotkeeper and this folder only holds a
  // RELOCATED marker; deleting the folder is still what makes the next start a fresh cluster.
  const dir = path.resolve(embeddedDir);
  if (!dir.includes(`${path.sep}.data${path.sep}`)) throw new Error(`Refusing to delete ${dir}: not under .data/`);
  rmSync(dir, { recursive: true, force: true });
  console.log(`[e2e] fresh embedded PostgreSQL in ${embeddedDir}`);
}
