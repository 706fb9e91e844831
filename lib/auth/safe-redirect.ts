const ORIGIN = "http://spotkeeper.invalid";

/**
 * A path on this site to go to after signing in, or "/". Browsers drop tabs and newlines from URLs
 * and read a backslash as a slash, so `/%09/evil.com` (decoded: "/\t/evil.com") becomes
 * `//evil.com`, another site. The value is therefore resolved the way a browser would and kept only
 * if it stays on our origin; what is returned is the normalised path, never the raw input.
 */
export function safeCallbackPath(raw: unknown): string {
  if (typeof raw !== "string" || !raw.startsWith("/")) return "/";
  // What a browser strips or rewrites before resolving (WHATWG URL: tab, LF, CR; "\" as "/").
  if (/[\u0000-\u001f\u007f\\]/.test(raw) || raw.startsWith("//")) return "/";
  let url: URL;
  try {
    url = new URL(raw, ORIGIN);
  } catch {
    return "/";
  }
  if (url.origin !== ORIGIN) return "/";
  return `${url.pathname}${url.search}${url.hash}`;
}
