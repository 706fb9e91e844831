"use client";

import { RouteError } from "@/components/ui/route-error";

export default function ErrorBoundary(props: { error: Error & { digest?: string }; reset: () => void }) {
  return <RouteError what="Sign-in" {...props} />;
}
