import { getDb, type Db } from "@/db/client";
import { authenticateGate, type GateContext } from "@/lib/gates/gate-auth";
import { paymentsStatus } from "@/lib/payments/health";
import { refusedDemoGateSecret } from "@/lib/auth/demo";
import { ApiError } from "@/lib/errors";
import { enforceLimits, withLimitHeaders, type LimitResult } from "@/lib/ratelimit";
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
    let failure: unknown;
    let limits: LimitResult | null = null;
    try {
      const secret = /^Bearer\s+(\S+)$/i.exec(req.headers.get("authorization") ?? "")?.[1];
      if (secret && refusedDemoGateSecret(secret)) throw new ApiError("unauthorized", "Demo gate secrets work only in demo mode");
      const gate = await authenticateGate(req, getDb);
      // Per gate, never by a user's or an address's limit: a lot's gates often share one address.
      limits = await enforceLimits([["gate", gate.gate.id]]);
      res = await handler({ req, db: await getDb(), gate, params: (await ctx?.params) ?? {}, startedAt });
    } catch (err) {
      failure = err;
      res = errorResponse(err);
    }
    res = withLimitHeaders(res, failure, limits);
    res.headers.set("x-spotkeeper-payments", paymentsStatus());
    return res;
  };
}
