import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync, existsSync, statSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");

export type Proc = { child: ChildProcess; port: number; stop: () => Promise<void> };

function stopper(child: ChildProcess) {
  return () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 5_000).unref();
    });
}

/** Is there a production build newer than every source file? */
export function buildIsFresh(): boolean {
  const id = path.join(root, ".next/BUILD_ID");
  if (!existsSync(id)) return false;
  const built = statSync(id).mtimeMs;
  const newer = (dir: string): boolean =>
    readdirSync(path.join(root, dir), { withFileTypes: true }).some((e) => {
      const rel = path.join(dir, e.name);
      if (e.isDirectory()) return newer(rel);
      return /\.(ts|tsx|css|json)$/.test(e.name) && statSync(path.join(root, rel)).mtimeMs > built;
    });
  return !["app", "lib", "db", "components", "inngest"].some(newer);
}

export function build(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "build"], {
      cwd: root,
      stdio: "inherit",
    });
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`next build exited with ${code}`))));
  });
}

async function waitForHttp(port: number, pathName: string, child: ChildProcess, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server on port ${port} exited with ${child.exitCode}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}${pathName}`);
      await res.arrayBuffer();
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server on port ${port} did not answer ${pathName} within ${timeoutMs} ms`);
}

/** `next start` on a built app, as a lot runs it; ready once it answers the OpenAPI document. */
export async function startNext(port: number, env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<Proc> {
  // BENCH_CPU_PROF=<dir>: each server writes a V8 CPU profile there when it stops (where the time goes).
  const prof = process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = spawn(
    process.execPath,
    [...prof, path.join(root, "node_modules/next/dist/bin/next"), "start", "-p", String(port), "-H", "127.0.0.1"],
    {
      cwd: root,
      env: { ...env, NODE_ENV: "production" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const forward = (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split("\n")) if (line.trim()) log(`[server ${port}] ${line}`);
  };
  child.stdout!.on("data", forward);
  child.stderr!.on("data", forward);
  await waitForHttp(port, "/v1/openapi.json", child, 90_000);
  return { child, port, stop: stopper(child) };
}

/** A TypeScript helper in a child process (tsx's loader, as this process runs under it). */
export function startScript(file: string, args: string[], env: NodeJS.ProcessEnv) {
  return spawn(process.execPath, [...process.execArgv, path.join(import.meta.dirname, file), ...args], {
    env,
    stdio: ["ignore", "pipe", "inherit"],
  });
}

export async function startBare(redisKey: string, port: number, env: NodeJS.ProcessEnv): Promise<Proc> {
  const child = startScript("bare-server.ts", [redisKey, String(port)], env);
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once("data", () => resolve());
    child.once("exit", (code) => reject(new Error(`bare server exited (${code})`)));
  });
  return { child, port, stop: stopper(child) };
}

/** A process and its descendants (next start runs the server in a child). */
function processTree(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      parents.set(Number(name), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // exited meanwhile
    }
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) for (const [child, parent] of parents) if (parent === tree[i]) tree.push(child);
  return tree;
}

/**
 * CPU time (user + system) these processes and their descendants have used so far, in ms: the
 * difference over a phase divided by its requests is CPU per request, a figure load on a shared
 * machine does not blur the way it blurs latency.
 */
export function cpuMs(pids: number[]): number {
  const ticks = 100; // USER_HZ on Linux
  let total = 0;
  for (const p of pids.flatMap(processTree)) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      total += Number(f[11]) + Number(f[12]); // utime, stime
    } catch {
      // exited meanwhile
    }
  }
  return (total * 1000) / ticks;
}

/** Resident memory of a process and its descendants, in MiB. */
export function rssMiB(pid: number): number {
  let kib = 0;
  for (const p of processTree(pid)) {
    try {
      const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, "utf8"));
      kib += Number(m?.[1] ?? 0);
    } catch {
      // exited meanwhile
    }
  }
  return kib / 1024;
}
