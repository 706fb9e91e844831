import { z } from "zod";
import { ApiError, isApiError, isDatabaseUnavailable, isDataException, PG, pgCode } from "@/lib/errors";

export function json(body: unknown, status = 200, headers?: HeadersInit) {
  return Response.json(body, { status, headers });
}

/** The one place an error becomes a response: `{ error: { code, message, details } }`. */
export function errorResponse(err: unknown): Response {
  // Brand checks, not instanceof: the error may come from another bundle's copy of the class.
  if (isApiError(err)) {
    const retry = err.status === 503 ? { "retry-after": "5" } : undefined;
    return json({ error: { code: err.code, message: err.message, details: err.details } }, err.status, retry);
  }
  if (isDatabaseUnavailable(err)) {
    console.error("[spotkeeper] database unavailable:", (err as Error).message);
    return json(
      {
        error: {
          code: "unavailable",
          message: "The service is briefly unavailable; retrying is safe",
          details: { retryable: true },
        },
      },
      503,
      { "retry-after": "5" },
    );
  }
  if (err instanceof z.ZodError || (err as { name?: unknown })?.name === "ZodError") {
    const zerr = err as z.ZodError;
    return json(
      {
        error: {
          code: "validation_failed",
          message: zerr.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; "),
          details: zerr.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
        },
      },
      422,
    );
  }
  // Constraint violations that slipped past validation are the client's conflict, not our crash.
  const code = pgCode(err);
  if (code === PG.exclusionViolation) {
    return json(
      { error: { code: "no_spot_available", message: "That spot is already booked for an overlapping time" } },
      409,
    );
  }
  if (code === PG.uniqueViolation) {
    return json({ error: { code: "conflict", message: "A record with these values already exists" } }, 409);
  }
  if (isDataException(err)) {
    console.error(
      "[spotkeeper] value rejected by PostgreSQL (validation should have caught it):",
      (err as Error).message,
    );
    return json(
      { error: { code: "validation_failed", message: "A value in the request is out of range or malformed" } },
      422,
    );
  }
  console.error("[spotkeeper] unhandled error", err);
  return json({ error: { code: "internal_error", message: "Something went wrong on our side" } }, 500);
}

export async function readJson(req: Request): Promise<unknown> {
  const text = await req.text();
  if (!text.trim()) throw new ApiError("bad_request", "Request body must be a JSON object");
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError("bad_request", "Request body is not valid JSON");
  }
}

export async function parseBody<T extends z.ZodType>(req: Request, schema: T): Promise<z.output<T>> {
  return schema.parse(await readJson(req));
}

export function parseQuery<T extends z.ZodType>(req: Request, schema: T): z.output<T> {
  const params = Object.fromEntries(new URL(req.url).searchParams);
  return schema.parse(params);
}
