import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { safeCallbackPath } from "@/lib/auth/safe-redirect";
import { getSessionCaller } from "@/lib/auth/session";
import { SignUpForm } from "./sign-up-form";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Create an account" };

export default async function SignUpPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const callbackUrl = safeCallbackPath((await searchParams).callbackUrl);
  if (await getSessionCaller()) redirect(callbackUrl);
  return (
    <div className="auth-page">
      <SignUpForm callbackUrl={callbackUrl} />
    </div>
  );
}
