import { z } from "zod";
import { isEd25519PrivateKey } from "@/lib/gates/key-format";

// Validated once, at start-up (instrumentation.ts and the first database call): a bad value fails
// with a message naming the variable instead of surfacing later as an obscure runtime error.
const url = (protocol?: RegExp, example?: string) =>
  z
    .url({ protocol, error: example ? `must be a URL like ${example}` : "must be a URL" })
    .optional()
    .or(z.literal("").transform(() => undefined));
const optionalUrl = url();

const schema = z.object({
  DATABASE_URL: url(/^postgres(ql)?$/, "postgres://user:password@host:5432/database"),
  REDIS_URL: url(/^rediss?$/, "redis://host:6379"),
  REDIS_PREFIX: z.string().default("sk:"),
  UPSTASH_REDIS_REST_URL: optionalUrl,
  UPSTASH_REDIS_REST_TOKEN: z.string().optional(),
  NEXTAUTH_SECRET: z.string().min(32, "must be at least 32 characters (openssl rand -base64 32)").optional(),
  SPOTKEEPER_DEMO: z.enum(["0", "1", "true", "false"]).optional(),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1024).max(65535).default(54329),
  EMBEDDED_PG_DIR: z.string().optional(),
  // Secret (sk_) or restricted (rk_) key, test or live mode.
  STRIPE_SECRET_KEY: z
    .string()
    .regex(/^[sr]k_(test|live)_\w+$/, "must be a Stripe secret key (sk_test_…, sk_live_…, or rk_…)")
    .optional(),
  STRIPE_WEBHOOK_SECRET: z
    .string()
    .regex(/^whsec_\w+$/, "must be a Stripe webhook signing secret (whsec_…)")
    .optional(),
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
    .refine((v) => !v || isEd25519PrivateKey(v), {
      message: "must be an Ed25519 private key, as a JWK (JSON) or PKCS8 PEM",
    }),
  /** Invitation e-mails (lib/organisations/send-invitation.ts); without it the owner passes the link on. */
  SMTP_URL: url(/^smtps?$/, "smtp://user:password@host:587"),
  SMTP_FROM: z.string().optional(),
  DEMO_DRIVER_TOKEN: z.string().min(8).default("demo-driver-token"),
  DEMO_OPERATOR_TOKEN: z.string().min(8).default("demo-operator-token"),
});

export type Env = z.infer<typeof schema> & { demo: boolean };

let cached: Env | undefined;

/** The validated environment of this process, parsed once. */
export function env(): Env {
  cached ??= parseEnv(process.env, {
    // Not while building: the secret is a run-time setting, and the build must not need it.
    serving: process.env.NODE_ENV === "production" && process.env.NEXT_PHASE !== "phase-production-build",
  });
  return cached;
}

/** Throws one error naming every bad variable, so a misconfigured server says what to fix before serving. */
export function parseEnv(source: Record<string, string | undefined>, { serving }: { serving: boolean }): Env {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ");
    throw new Error(`Invalid environment variables: ${problems}`);
  }
  const e = parsed.data;
  if (e.UPSTASH_REDIS_REST_URL && !e.UPSTASH_REDIS_REST_TOKEN) {
    throw new Error("Invalid environment variables: UPSTASH_REDIS_REST_TOKEN is required with UPSTASH_REDIS_REST_URL");
  }
  // Demo mode: no database configured (embedded PostgreSQL), or explicitly asked for demo data.
  const demo = !e.DATABASE_URL || e.SPOTKEEPER_DEMO === "1" || e.SPOTKEEPER_DEMO === "true";
  if (!demo && !e.NEXTAUTH_SECRET && serving) {
    throw new Error("Invalid environment variables: NEXTAUTH_SECRET is required outside demo mode");
  }
  return { ...e, demo };
}
