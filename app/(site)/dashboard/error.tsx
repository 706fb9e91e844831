"use client";

import { RouteError } from "@/components/ui/route-error";

export default function ErrorBoundary(props: { error: Error & { digest?: string }; reset: () => void }) {
  return <RouteError what="The dashboard" {...props} />;
}
