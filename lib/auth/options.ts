import "server-only";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import type { NextAuthOptions } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { getDb } from "@/db/client";
import { env } from "@/lib/env";
import { clientIp } from "@/lib/ratelimit/client-ip";
import { safeCallbackPath } from "./safe-redirect";
import { signInWithPassword } from "./sign-in";

// The Host header is trusted only when asked (AUTH_TRUST_HOST=true) or in the demo, which must work
// on any $PORT; a deployment sets NEXTAUTH_URL, so links and redirects never follow a forged Host.
if (!process.env.NEXTAUTH_URL && env().demo) process.env.AUTH_TRUST_HOST ??= "true";

/** NEXTAUTH_SECRET, or in demo/dev a random one kept in .data/ so sessions survive restarts. */
function authSecret(): string {
  const configured = env().NEXTAUTH_SECRET;
  if (configured) return configured;
  const file = path.join(process.cwd(), ".data/auth-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  const secret = randomBytes(32).toString("base64url");
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

const Credentials_ = z.object({ email: z.email(), password: z.string().min(1).max(200) });

export const authOptions: NextAuthOptions = {
  secret: authSecret(),
  session: { strategy: "jwt" },
  pages: { signIn: "/sign-in" },
  providers: [
    Credentials({
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(raw, req) {
        const parsed = Credentials_.safeParse(raw);
        if (!parsed.success) return null;
        const ip = clientIp(new Request("http://local/", { headers: (req?.headers ?? {}) as Record<string, string> }));
        const result = await signInWithPassword(await getDb(), parsed.data.email, parsed.data.password, ip);
        if (!result.ok && result.retryAfter)
          throw new Error(`Too many sign-in attempts: try again in ${Math.ceil(result.retryAfter / 60)} min`);
        return result.ok ? result.user : null;
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user) {
        token.sub = user.id;
        token.role = (user as { role?: string }).role;
        // Checked on every request (lib/auth/session.ts): "sign out everywhere" bumps the user's.
        token.sv = (user as { sessionVersion?: number }).sessionVersion ?? 0;
      }
      return token;
    },
    // After signing in (or out), only paths on this site: never an open redirect.
    redirect({ url, baseUrl }) {
      if (url.startsWith(baseUrl)) return `${baseUrl}${safeCallbackPath(url.slice(baseUrl.length) || "/")}`;
      return `${baseUrl}${safeCallbackPath(url)}`;
    },
    session({ session, token }) {
      if (session.user) Object.assign(session.user, { id: token.sub, role: token.role, sv: token.sv ?? 0 });
      return session;
    },
  },
};
