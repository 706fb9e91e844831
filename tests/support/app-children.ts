import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

// App processes as children of a test (tests/support/app-process.ts, or another server script of
// tests/support), on the test's database and Redis prefix unless `env` says otherwise: the
// multi-process, crash and outage tests, and what a request costs a process. `apps` lists them for
// the test's afterAll to kill.

export type App = { child: ChildProcess; url: string; kill: () => Promise<void> };
export const apps: App[] = [];

export function startApp(env: Record<string, string> = {}, script = "app-process.ts"): Promise<App> {
  // node itself with tsx's loader (not the tsx wrapper, whose child a SIGKILL would orphan).
  const args = [
    "--require",
    path.resolve("node_modules/tsx/dist/preflight.cjs"),
    "--import",
    `file://${path.resolve("node_modules/tsx/dist/loader.mjs")}`,
  ];
  const child = spawn(process.execPath, [...args, "--conditions=react-server", path.resolve("tests/support", script)], {
    env: { ...process.env, NODE_ENV: "test", ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.setEncoding("utf8").on("data", (c: string) => {
      out += c;
      const m = /port (\d+)/.exec(out);
      if (m) {
        const app: App = {
          child,
          url: `http://127.0.0.1:${m[1]}`,
          kill: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null || child.signalCode) return done();
              child.once("exit", () => done());
              child.kill("SIGKILL");
            }),
        };
        apps.push(app);
        resolve(app);
      }
    });
    child.once("exit", (code) => reject(new Error(`${script} exited (${code}) before listening`)));
  });
}
