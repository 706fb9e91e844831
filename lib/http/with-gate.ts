import { getDb, type Db } from "@/db/client";
import { authenticateGate, type GateContext } from "@/lib/gates/gate-auth";
import { errorResponse } from "./respond";

type RouteCtx = { params: Promise<Record<string, string | string[] | undefined>> };
type Handler = (args: {
  req: Request;
  db: Db;
  gate: GateContext;
  params: Record<string, string | string[] | undefined>;
  /** performance.now() when the request reached the handler: a decision's latency counts from here. */
  startedAt: number;
}) => Promise<Response>;

/** For gate devices: authenticates the gate's own secret (never a user's token) and renders every error. */
export function withGate(handler: Handler) {
  return async (req: Request, ctx: RouteCtx) => {
    const startedAt = performance.now();
    try {
      const gate = await authenticateGate(req, getDb);
      return await handler({ req, db: await getDb(), gate, params: (await ctx?.params) ?? {}, startedAt });
    } catch (err) {
      return errorResponse(err);
    }
  };
}
