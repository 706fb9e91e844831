import { appendFile, readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../test/support/harness.js";
import { EventQueue, type QueuedEvent } from "./event-queue.js";
import { silentLogger } from "./log.js";

const event = (n: number): QueuedEvent => ({
  event_id: `00000000-0000-4000-8000-00000000000${n}`,
  kind: "check-in",
  body: {
    lot_id: "l",
    gate_id: "g",
    identifier: `P${n}`,
    event_id: `00000000-0000-4000-8000-00000000000${n}`,
    occurred_at: new Date().toISOString(),
    offline_decision: "deny",
  },
  queued_at: new Date().toISOString(),
});

describe("offline event queue", () => {
  it("keeps unacknowledged events across a reopen, in order, and forgets acknowledged ones", async () => {
    const dir = await tempDir();
    const queue = await EventQueue.open(dir, silentLogger);
    await queue.append(event(1));
    await queue.append(event(2));
    await queue.append(event(3));
    await queue.ack(event(2).event_id, 200);
    await queue.close();

    const reopened = await EventQueue.open(dir, silentLogger);
    expect(reopened.peek().map((e) => ("identifier" in e.body ? e.body.identifier : null))).toEqual(["P1", "P3"]);
    await reopened.close();
  });

  it("drops a line torn by a crash mid-write and keeps the rest", async () => {
    const dir = await tempDir();
    const queue = await EventQueue.open(dir, silentLogger);
    await queue.append(event(1));
    await queue.close();
    await appendFile(path.join(dir, "events.jsonl"), '{"op":"add","event":{"event_id":"0000');

    const reopened = await EventQueue.open(dir, silentLogger);
    expect(reopened.peek().map((e) => ("identifier" in e.body ? e.body.identifier : null))).toEqual(["P1"]);
    await reopened.append(event(2));
    await reopened.close();
    expect((await EventQueue.open(dir, silentLogger)).size).toBe(2);
  });

  it("empties its file once everything is acknowledged, and keeps refused events for a person", async () => {
    const dir = await tempDir();
    const queue = await EventQueue.open(dir, silentLogger);
    await queue.append(event(1));
    await queue.append(event(2));
    await queue.ack(event(1).event_id, 200);
    await queue.reject(event(2).event_id, 422, "identifier too long");
    expect(queue.size).toBe(0);
    expect(await readFile(path.join(dir, "events.jsonl"), "utf8")).toBe("");
    const rejected = (await readFile(path.join(dir, "rejected.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(rejected).toEqual([
      expect.objectContaining({
        status: 422,
        error: "identifier too long",
        event: expect.objectContaining({ event_id: event(2).event_id }),
      }),
    ]);
    await queue.close();
  });
});
