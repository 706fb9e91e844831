import { z } from "zod";

/** Every code an error body can carry; published as components.schemas.ErrorCode so clients can switch on it. */
export const ErrorCode = z.enum([
  "bad_request",
  "validation_failed",
  "unauthorized",
  "forbidden",
  "not_found",
  "not_acceptable",
  "conflict",
  "no_spot_available",
  "invalid_state",
  "hold_expired",
  "hold_limit_reached",
  "amount_mismatch",
  "payment_declined",
  "payment_failed",
  "payments_unavailable",
  "not_configured",
  "rate_limited",
  "not_ready",
  "unavailable",
  "method_not_allowed",
  "internal_error",
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ERROR_STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  validation_failed: 422,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  not_acceptable: 406,
  conflict: 409,
  no_spot_available: 409,
  invalid_state: 409,
  hold_expired: 409,
  hold_limit_reached: 409,
  amount_mismatch: 409,
  payment_declined: 402,
  payment_failed: 402,
  payments_unavailable: 503,
  not_configured: 503,
  rate_limited: 429,
  unavailable: 503,
  method_not_allowed: 405,
  // A gate's report about a read whose live answer is still being recorded: retry in a moment.
  not_ready: 425,
  internal_error: 500,
};

// Next.js bundles a module into several chunks (route, instrumentation, server actions), and
// singletons kept on globalThis were built by whichever chunk came first: an error class from one
// chunk is not `instanceof` the same class of another. Errors are recognised by a brand instead.
const API_ERROR = Symbol.for("spotkeeper.ApiError");

/** A failure the caller can act on; rendered as `{ error: { code, message, details } }`. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details?: unknown;
  readonly [API_ERROR] = true;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.details = details;
  }
}

/** `instanceof ApiError` that also holds across bundles. */
export function isApiError(err: unknown): err is ApiError {
  return typeof err === "object" && err !== null && (err as Record<symbol, unknown>)[API_ERROR] === true;
}

/**
 * Whether an error means PostgreSQL cannot be reached (refused, shut down, connection lost or
 * timed out) rather than that the query was wrong: the request may be retried once it is back.
 * Class 08 is connection exceptions, 57P01–57P03 an administrator or crash shutdown.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (
    let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0;
    e && depth < 5;
    e = e.cause as typeof e, depth++
  ) {
    const code = typeof e.code === "string" ? e.code : "";
    if (/^08/.test(code) || /^57P0[123]$/.test(code)) return true;
    if (["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENOTFOUND", "EAI_AGAIN"].includes(code))
      return true;
    if (["CONNECT_TIMEOUT", "CONNECTION_CLOSED", "CONNECTION_ENDED", "CONNECTION_DESTROYED"].includes(code))
      return true;
  }
  return false;
}

/** PostgreSQL SQLSTATEs we translate instead of letting them become 500s. */
export const PG = {
  exclusionViolation: "23P01",
  uniqueViolation: "23505",
  foreignKeyViolation: "23503",
  invalidTextRepresentation: "22P02",
} as const;

/**
 * SQLSTATE class 22 (data exception: a value out of range, too long, a NUL byte, a bad date) is a
 * value the client sent that validation let through: the client's error, answered 422.
 */
export function isDataException(err: unknown): boolean {
  const code = pgCode(err);
  return typeof code === "string" && /^22[0-9A-Z]{3}$/.test(code);
}

export function pgCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown } };
  const code = typeof e?.code === "string" ? e.code : typeof e?.cause?.code === "string" ? e.cause.code : undefined;
  return code;
}
