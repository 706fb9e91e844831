import { z } from "zod";
import { errorText, type Logger } from "./log.js";
import type { ServerClient } from "./server-client.js";

// The contract's {id, type, reason, by}, and the server's GateCommand {command_id, command, reason, issued_by}.
const commandSchema = z.union([
  z.object({ id: z.string(), type: z.string(), reason: z.string().nullish(), by: z.string().nullish() }),
  z
    .object({
      command_id: z.string(),
      command: z.string(),
      reason: z.string().nullish(),
      issued_by: z.string().nullish(),
    })
    .transform((c) => ({ id: c.command_id, type: c.command, reason: c.reason, by: c.issued_by })),
]);
// A bare array, or a list envelope: the server's {data, next_cursor}, or {commands}.
const commandsSchema = z.union([
  z.array(commandSchema),
  z.object({ data: z.array(commandSchema) }).transform((o) => o.data),
  z.object({ commands: z.array(commandSchema) }).transform((o) => o.commands),
]);

type Command = z.output<typeof commandSchema>;
export type CommandOutcome = { result: "executed" | "failed"; failure?: string };

/** How many executed command ids to remember (far more than a gate sees between two acks). */
const REMEMBERED = 500;

/**
 * Operator commands (an attendant opening the barrier from the dashboard) reach the gate by polling,
 * because the gate PC sits behind NAT and nothing can connect to it. A command runs once even if its
 * ack is lost: the id is remembered, and the next poll only retries the ack.
 */
export class CommandPoller {
  private readonly executed = new Map<string, CommandOutcome>();
  private readonly warnedTypes = new Set<string>();

  constructor(
    private readonly options: {
      client: ServerClient;
      timeoutMs: number;
      log: Logger;
      onServerReached: (reached: boolean, err?: unknown) => void;
      /** Opens the barrier; says whether the relay actually did. */
      openBarrier: (command: { id: string; reason?: string; by?: string }) => Promise<CommandOutcome>;
    },
  ) {}

  async poll(): Promise<void> {
    const { client, timeoutMs, log } = this.options;
    let body: unknown;
    try {
      body = await client.commands(timeoutMs);
    } catch (err) {
      this.options.onServerReached(false, err);
      log.debug("command poll failed", { error: errorText(err) });
      return;
    }
    this.options.onServerReached(true);
    const parsed = commandsSchema.safeParse(body);
    if (!parsed.success) {
      log.error("operator commands in an unexpected shape", { error: parsed.error.message });
      return;
    }
    const commands: Command[] = parsed.data;
    for (const command of commands) {
      if (command.type !== "open_barrier") {
        // Left unacknowledged: a newer bridge may know what to do with it.
        if (!this.warnedTypes.has(command.type))
          log.warn("unknown operator command", { type: command.type, id: command.id });
        this.warnedTypes.add(command.type);
        continue;
      }
      let outcome = this.executed.get(command.id);
      if (!outcome) {
        log.info("operator command", { id: command.id, type: command.type, by: command.by, reason: command.reason });
        outcome = await this.options.openBarrier({
          id: command.id,
          reason: command.reason ?? undefined,
          by: command.by ?? undefined,
        });
        this.remember(command.id, outcome);
      }
      try {
        await client.ackCommand(command.id, timeoutMs, outcome);
      } catch (err) {
        log.warn("command ack failed; retrying on the next poll", { id: command.id, error: errorText(err) });
      }
    }
  }

  private remember(id: string, outcome: CommandOutcome) {
    this.executed.set(id, outcome);
    if (this.executed.size > REMEMBERED) this.executed.delete(this.executed.keys().next().value!);
  }
}
