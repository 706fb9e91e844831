import { describe, expect, it } from "vitest";
import { parseEnv } from "./env";

const production = { serving: true };
const configured = {
  DATABASE_URL: "postgres://spotkeeper:secret@db.internal:5432/spotkeeper",
  NEXTAUTH_SECRET: "x".repeat(44),
};

describe("parseEnv", () => {
  it("accepts a complete production configuration and leaves demo mode off", () => {
    const e = parseEnv(
      { ...configured, STRIPE_SECRET_KEY: "sk_live_51AbC", STRIPE_WEBHOOK_SECRET: "whsec_abc" },
      production,
    );
    expect(e.demo).toBe(false);
    expect(e.DATABASE_URL).toBe(configured.DATABASE_URL);
  });

  it("runs the demo with nothing configured", () => {
    expect(parseEnv({}, production).demo).toBe(true);
  });

  it.each([
    [
      "a short NEXTAUTH_SECRET",
      { NEXTAUTH_SECRET: "too-short-secret" },
      /NEXTAUTH_SECRET must be at least 32 characters/,
    ],
    [
      "a DATABASE_URL without a scheme",
      { DATABASE_URL: "db.internal:5432/spotkeeper" },
      /DATABASE_URL must be a URL like postgres:\/\//,
    ],
    [
      "a DATABASE_URL of another database",
      { DATABASE_URL: "mysql://db.internal/spotkeeper" },
      /DATABASE_URL must be a URL like postgres:\/\//,
    ],
    [
      "a REDIS_URL that is not redis://",
      { REDIS_URL: "http://cache.internal:6379" },
      /REDIS_URL must be a URL like redis:\/\//,
    ],
    [
      "a publishable key as STRIPE_SECRET_KEY",
      { STRIPE_SECRET_KEY: "pk_live_51AbC" },
      /STRIPE_SECRET_KEY must be a Stripe secret key/,
    ],
    [
      "a webhook secret without whsec_",
      { STRIPE_WEBHOOK_SECRET: "we_123" },
      /STRIPE_WEBHOOK_SECRET must be a Stripe webhook signing secret/,
    ],
    [
      "an Upstash URL without its token",
      { UPSTASH_REDIS_REST_URL: "https://eu1.upstash.io" },
      /UPSTASH_REDIS_REST_TOKEN is required/,
    ],
  ])("refuses %s, naming the variable", (_name, bad, message) => {
    expect(() => parseEnv({ ...configured, ...bad }, production)).toThrow(message);
  });

  it("names every bad variable at once", () => {
    expect(() => parseEnv({ DATABASE_URL: "nope", NEXTAUTH_SECRET: "short" }, production)).toThrow(
      /DATABASE_URL .*; NEXTAUTH_SECRET /,
    );
  });

  it("requires NEXTAUTH_SECRET to serve outside demo mode, but not to build", () => {
    const withoutSecret = { DATABASE_URL: configured.DATABASE_URL };
    expect(() => parseEnv(withoutSecret, production)).toThrow(/NEXTAUTH_SECRET is required outside demo mode/);
    expect(parseEnv(withoutSecret, { serving: false }).demo).toBe(false);
  });
});
