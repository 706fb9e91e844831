"use client";

import Link from "next/link";

/** A route's error boundary: what failed, a retry, and a way out that does not depend on this page. */
export function RouteError({
  what,
  error,
  reset,
}: {
  what: string;
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return (
    <div className="card notice" role="alert">
      <h1>{what} could not be loaded</h1>
      <p>Something went wrong on our side. Your bookings and payments are safe; please try again in a moment.</p>
      {error.digest && <p className="muted small">Reference: {error.digest}</p>}
      <div className="button-row">
        <button type="button" className="button button-primary" onClick={reset}>
          Try again
        </button>
        <Link href="/" className="button button-secondary">
          Find a lot
        </Link>
      </div>
    </div>
  );
}
