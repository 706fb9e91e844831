"use client";

export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="card notice" role="alert">
      <h1>Something went wrong</h1>
      <p>The page could not be loaded. Please try again in a moment.</p>
      {error.digest && <p className="muted small">Reference: {error.digest}</p>}
      <button type="button" className="button button-primary" onClick={reset}>
        Try again
      </button>
    </div>
  );
}
