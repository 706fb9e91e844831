import { ApiError } from "@/lib/errors";

/**
 * A write authenticated by the session cookie must come from our own pages: browsers attach cookies
 * to cross-site requests too (a form posted from another site), so such a write is refused unless
 * the browser says it is same-origin. Token-authenticated calls carry no ambient credential and
 * are not checked. Sec-Fetch-Site is sent by every current browser; Origin is the fallback.
 */
export function assertSameOrigin(req: Request) {
  if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS") return;
  const site = req.headers.get("sec-fetch-site");
  if (site) {
    if (site === "same-origin" || site === "none") return;
    throw new ApiError("forbidden", "Cross-site requests may not use the session cookie; send an API token");
  }
  const origin = req.headers.get("origin");
  if (!origin) return; // not a browser (curl with a copied cookie): nothing ambient to abuse
  const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host") ?? new URL(req.url).host;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    originHost = "";
  }
  if (originHost !== host)
    throw new ApiError("forbidden", "Cross-site requests may not use the session cookie; send an API token");
}
