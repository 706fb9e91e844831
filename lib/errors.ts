export type ErrorCode =
  | "bad_request"
  | "validation_failed"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "no_spot_available"
  | "invalid_state"
  | "hold_expired"
  | "hold_limit_reached"
  | "amount_mismatch"
  | "payment_declined"
  | "payment_failed"
  | "payments_unavailable"
  | "not_configured"
  | "rate_limited"
  | "internal_error";

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  validation_failed: 422,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
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
  internal_error: 500,
};

/** A failure the caller can act on; rendered as `{ error: { code, message, details } }`. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details?: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.code = code;
    this.status = STATUS[code];
    this.details = details;
  }
}

/** PostgreSQL SQLSTATEs we translate instead of letting them become 500s. */
export const PG = {
  exclusionViolation: "23P01",
  uniqueViolation: "23505",
  foreignKeyViolation: "23503",
  invalidTextRepresentation: "22P02",
} as const;

export function pgCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown } };
  const code = typeof e?.code === "string" ? e.code : typeof e?.cause?.code === "string" ? e.cause.code : undefined;
  return code;
}
