import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { DEMO_PASSWORD, DEMO_USERS } from "@/db/seed";
import { safeCallbackPath } from "@/lib/auth/safe-redirect";
import { getSessionCaller } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { SignInForm } from "@/components/auth/sign-in-form";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  // Only paths on this site: anything else here would be an open redirect.
  const callbackUrl = safeCallbackPath((await searchParams).callbackUrl);
  if (await getSessionCaller()) redirect(callbackUrl);
  const demo = env().demo ? { accounts: DEMO_USERS, password: DEMO_PASSWORD } : null;
  return (
    <div className="auth-page">
      <SignInForm callbackUrl={callbackUrl} demo={demo} />
      <p className="muted small">
        New here? <Link href={`/sign-up?callbackUrl=${encodeURIComponent(callbackUrl)}`}>Create an account</Link>
      </p>
    </div>
  );
}
