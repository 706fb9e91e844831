/**
 * Limits, from the environment (documented in docs/limits.md). Read on every call rather than once,
 * so an operator's change applies on restart and tests can set their own. `limit/seconds`, e.g. 600/60.
 */
export type Policy = { name: string; limit: number; windowSeconds: number };

const DEFAULTS = {
  RATE_LIMIT_IP: "1200/60",
  RATE_LIMIT_TOKEN: "600/60",
  RATE_LIMIT_SIGN_IN_ACCOUNT: "5/300",
  RATE_LIMIT_SIGN_IN_IP: "20/300",
  RATE_LIMIT_PAYMENT: "10/600",
  RATE_LIMIT_GATE: "6000/60",
} as const;

export type PolicyName = "ip" | "token" | "sign_in_account" | "sign_in_ip" | "payment" | "gate";

const VARIABLE: Record<PolicyName, keyof typeof DEFAULTS> = {
  ip: "RATE_LIMIT_IP",
  token: "RATE_LIMIT_TOKEN",
  sign_in_account: "RATE_LIMIT_SIGN_IN_ACCOUNT",
  sign_in_ip: "RATE_LIMIT_SIGN_IN_IP",
  payment: "RATE_LIMIT_PAYMENT",
  gate: "RATE_LIMIT_GATE",
};

export function rateLimitsEnabled(): boolean {
  return !["0", "off", "false"].includes((process.env.RATE_LIMITS ?? "on").toLowerCase());
}

export function policy(name: PolicyName): Policy {
  const variable = VARIABLE[name];
  const raw = process.env[variable] || DEFAULTS[variable];
  const m = /^(\d+)\s*\/\s*(\d+)$/.exec(raw);
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1)
    throw new Error(
      `Invalid environment variables: ${variable} must look like 600/60 (requests/seconds), got "${raw}"`,
    );
  return { name, limit: Number(m[1]), windowSeconds: Number(m[2]) };
}

/** Pending (unpaid) holds one driver may keep at once: per lot, and over all lots. */
export function holdLimits() {
  const read = (v: string, d: number) => {
    const n = Number(process.env[v] ?? d);
    if (!Number.isInteger(n) || n < 1)
      throw new Error(`Invalid environment variables: ${v} must be a whole number of at least 1`);
    return n;
  };
  return { perLot: read("HOLD_LIMIT_PER_LOT", 3), overall: read("HOLD_LIMIT_TOTAL", 6) };
}

/** TRUSTED_PROXIES: addresses or IPv4 CIDR ranges of the proxies allowed to name the client (X-Forwarded-For). */
export function trustedProxies(): string[] {
  return (process.env.TRUSTED_PROXIES ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}
