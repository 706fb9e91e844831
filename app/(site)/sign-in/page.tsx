import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { DEMO_PASSWORD, DEMO_USERS } from "@/db/seed";
import { getSessionCaller } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { SignInForm } from "@/components/auth/sign-in-form";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Sign in" };

/** Only paths on this site: an absolute or protocol-relative URL here would be an open redirect. */
function safeCallback(raw: string | string[] | undefined): string {
  const v = typeof raw === "string" ? raw : "";
  return v.startsWith("/") && !v.startsWith("//") && !v.startsWith("/\\") ? v : "/";
}

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const callbackUrl = safeCallback((await searchParams).callbackUrl);
  if (await getSessionCaller()) redirect(callbackUrl);
  const demo = env().demo ? { accounts: DEMO_USERS, password: DEMO_PASSWORD } : null;
  return (
    <div className="auth-page">
      <SignInForm callbackUrl={callbackUrl} demo={demo} />
    </div>
  );
}
