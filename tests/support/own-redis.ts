import { spawn, type ChildProcess } from "node:child_process";
import { connect } from "node:net";

/**
 * A redis-server of a test's own on `port`, for tests that stop Redis mid-run: never the shared one.
 * start() waits until it accepts connections (and says so if it never does); stop() kills it and
 * waits for it to exit. Both may be called again, as a Redis restarted after an outage.
 */
export function ownRedis(port: number) {
  let server: ChildProcess | undefined;
  const listening = () =>
    new Promise<boolean>((resolve) => {
      const s = connect(port, "127.0.0.1");
      s.once("connect", () => (s.destroy(), resolve(true)));
      s.once("error", () => resolve(false));
    });
  return {
    url: `redis://127.0.0.1:${port}`,
    async start() {
      server = spawn(
        "redis-server",
        ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        { stdio: "ignore" },
      );
      for (let i = 0; i < 200; i++) {
        if (await listening()) return;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`redis-server on port ${port} did not start`);
    },
    async stop() {
      const p = server;
      server = undefined;
      if (!p) return;
      const exited = new Promise((r) => p.once("exit", r));
      p.kill("SIGKILL");
      await exited;
    },
  };
}
