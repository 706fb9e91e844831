import { NextResponse } from "next/server";
import { wrongMethodResponse } from "@/lib/http/unknown-route";

// Next.js answers a method a route does not export with an empty 405; the API promises its error
// body on every failure, so wrong methods under /v1 are answered here (lib/http/unknown-route.ts).
export function proxy(req: Request) {
  return wrongMethodResponse(req) ?? NextResponse.next();
}

export const config = { matcher: "/v1/:path*" };
