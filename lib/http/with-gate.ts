import { getDb, type Db } from "@/db/client";
import { authenticateGate, type GateContext } from "@/lib/gates/gate-auth";
import { paymentsStatus } from "@/lib/payments/health";
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

/**
 * For gate devices: authenticates the gate's own secret (never a user's token) and renders every
 * error. Every answer tells the kiosk whether payments can be collected (its red "payments down" band).
 */
export function withGate(handler: Handler) {
  return async (req: Request, ctx: RouteCtx) => {
    const startedAt = performance.now();
    let res: Response;
    try {
      const gate = await authenticateGate(req, getDb);
      res = await handler({ req, db: await getDb(), gate, params: (await ctx?.params) ?? {}, startedAt });
    } catch (err) {
      res = errorResponse(err);
    }
    res.headers.set("x-spotkeeper-payments", paymentsStatus());
    return res;
  };
}
