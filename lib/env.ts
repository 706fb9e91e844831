import { z } from "zod";
import { isEd25519PrivateKey } from "@/lib/gates/key-format";

// Validated once, at start-up (instrumentation.ts and the first database call): a bad value fails
// with a message naming the variable instead of surfacing later as an obscure runtime error.
const optionalUrl = z.url().optional().or(z.literal("").transform(() => undefined));

const schema = z.object({
  DATABASE_URL: optionalUrl,
  REDIS_URL: optionalUrl,
  REDIS_PREFIX: z.string().default("sk:"),
  UPSTASH_REDIS_REST_URL: optionalUrl,
  UPSTASH_REDIS_REST_TOKEN: z.string().optional(),
  NEXTAUTH_SECRET: z.string().min(16).optional(),
  SPOTKEEPER_DEMO: z.enum(["0", "1", "true", "false"]).optional(),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1024).max(65535).default(54329),
  EMBEDDED_PG_DIR: z.string().optional(),
  STRIPE_SECRET_KEY: z.string().startsWith("sk_").optional(),
  STRIPE_WEBHOOK_SECRET: z.string().startsWith("whsec_").optional(),
  /** Another Stripe API host (stripe-mock, or the tests' local server), e.g. http://127.0.0.1:12111. */
  STRIPE_API_BASE: optionalUrl,
  /** Inngest Cloud (event key) or the Inngest dev server (INNGEST_DEV=1 or its URL) runs the workflows; without either, the in-process scheduler does. */
  INNGEST_EVENT_KEY: z.string().optional(),
  INNGEST_SIGNING_KEY: z.string().optional(),
  INNGEST_DEV: z.string().optional(),
  /** Signs QR gate passes and the gates' offline cache: an Ed25519 private JWK (JSON) or PKCS8 PEM. */
  QR_SIGNING_KEY: z
    .string()
    .optional()
    .refine((v) => !v || isEd25519PrivateKey(v), { message: "must be an Ed25519 private key, as a JWK (JSON) or PKCS8 PEM" }),
  DEMO_DRIVER_TOKEN: z.string().min(8).default("demo-driver-token"),
  DEMO_OPERATOR_TOKEN: z.string().min(8).default("demo-operator-token"),
});

export type Env = z.infer<typeof schema> & { demo: boolean };

let cached: Env | undefined;

export function env(): Env {
  if (cached) return cached;
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid environment variables: ${problems}`);
  }
  const e = parsed.data;
  if (e.UPSTASH_REDIS_REST_URL && !e.UPSTASH_REDIS_REST_TOKEN) {
    throw new Error("Invalid environment variables: UPSTASH_REDIS_REST_TOKEN is required with UPSTASH_REDIS_REST_URL");
  }
  // Demo mode: no database configured (embedded PostgreSQL), or explicitly asked for demo data.
  const demo = !e.DATABASE_URL || e.SPOTKEEPER_DEMO === "1" || e.SPOTKEEPER_DEMO === "true";
  // Not while building: the secret is a run-time setting, and the build must not need it.
  const serving = process.env.NODE_ENV === "production" && process.env.NEXT_PHASE !== "phase-production-build";
  if (!demo && !e.NEXTAUTH_SECRET && serving) {
    throw new Error("Invalid environment variables: NEXTAUTH_SECRET is required outside demo mode");
  }
  cached = { ...e, demo };
  return cached;
}
