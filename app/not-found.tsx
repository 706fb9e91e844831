import Link from "next/link";

export default function NotFound() {
  return (
    <div className="card notice">
      <h1>Not found</h1>
      <p>We could not find that page. The lot or reservation may have been removed.</p>
      <p>
        <Link href="/" className="button button-primary">
          Back to all lots
        </Link>
      </p>
    </div>
  );
}
