import Link from "next/link";
import type { Caller } from "@/lib/auth/caller";
import { SignOutButton } from "./sign-out-button";

export function Logo() {
  return (
    <Link href="/" className="logo" aria-label="Spotkeeper home">
      <span className="logo-mark" aria-hidden="true">
        P
      </span>
      <span className="logo-word">Spotkeeper</span>
    </Link>
  );
}

export function SiteHeader({ caller }: { caller: Caller | null }) {
  return (
    <header className="site-header">
      <div className="container header-inner">
        <Logo />
        <nav aria-label="Main" className="nav">
          <Link href="/" className="nav-link">
            Lots
          </Link>
          {caller && (
            <Link href="/reservations" className="nav-link">
              My reservations
            </Link>
          )}
          {caller?.role === "operator" && (
            <Link href="/dashboard" className="nav-link">
              Dashboard
            </Link>
          )}
          {caller ? (
            <span className="nav-user">
              <span className="avatar" aria-hidden="true">
                {caller.name.slice(0, 1).toUpperCase()}
              </span>
              <Link href="/account" className="nav-user-name" aria-label={`Your account (${caller.name})`}>
                {caller.name}
              </Link>
              <SignOutButton />
            </span>
          ) : (
            <Link href="/sign-in" className="button button-small">
              Sign in
            </Link>
          )}
        </nav>
      </div>
    </header>
  );
}
