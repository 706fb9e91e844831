import { describe, expect, it } from "vitest";
import { CommandPoller } from "./command-poller.js";
import { silentLogger } from "./log.js";
import type { ServerClient } from "./server-client.js";

/** A server answering polls with `pending` until each command is acknowledged. */
function server(pending: unknown[], idOf: (c: unknown) => string, wrap: (list: unknown[]) => unknown) {
  const acked: string[] = [];
  let failAcks = 0;
  const client = {
    commands: async () => wrap(pending.filter((c) => !acked.includes(idOf(c)))),
    ackCommand: async (id: string) => {
      if (failAcks > 0) {
        failAcks--;
        throw new Error("ack lost");
      }
      acked.push(id);
      return {};
    },
  } as unknown as ServerClient;
  return { client, acked, failNextAcks: (n: number) => (failAcks = n) };
}

describe("operator commands", () => {
  it("opens once per command in the contract's shape and in the server's GateCommand list, even when an ack is lost", async () => {
    for (const [pending, idOf, wrap] of [
      [
        [{ id: "c1", type: "open_barrier", reason: "lost ticket", by: "ops" }],
        (c: unknown) => (c as { id: string }).id,
        (l: unknown[]) => l,
      ],
      [
        [
          {
            command_id: "c1",
            command: "open_barrier",
            reason: "lost ticket",
            issued_by: "ops",
            gate_id: "g",
            issued_at: "",
            acked_at: null,
          },
        ],
        (c: unknown) => (c as { command_id: string }).command_id,
        (l: unknown[]) => ({ data: l, next_cursor: null }),
      ],
    ] as const) {
      const { client, acked, failNextAcks } = server([...pending], idOf, wrap);
      const opened: unknown[] = [];
      const poller = new CommandPoller({
        client,
        timeoutMs: 100,
        log: silentLogger,
        onServerReached: () => {},
        openBarrier: async (c) => (opened.push(c), { result: "executed" as const }),
      });
      failNextAcks(1);
      await poller.poll();
      await poller.poll();
      await poller.poll();
      expect(opened).toEqual([{ id: "c1", reason: "lost ticket", by: "ops" }]);
      expect(acked).toEqual(["c1"]);
    }
  });
});
