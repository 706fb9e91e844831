import { trustedProxies } from "./config";

/**
 * The header the server stamps with the TCP peer's address on every request (instrumentation.ts →
 * stampPeerAddress), overwriting whatever a client sent. Next.js itself only fills X-Forwarded-For
 * when the client sent none, which would let any client pick its own address.
 */
export const PEER_HEADER = "x-spotkeeper-peer";

const normalise = (ip: string) =>
  ip
    .trim()
    .replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, "")
    .replace(/^\[|\]$/g, "");

function ipv4ToInt(ip: string): number | null {
  const parts = ip.split(".");
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return null;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

export function isTrusted(ip: string, trusted = trustedProxies()): boolean {
  const addr = normalise(ip);
  return trusted.some((entry) => {
    const [range, bits] = entry.split("/");
    if (bits === undefined) return normalise(range!) === addr;
    const a = ipv4ToInt(addr);
    const r = ipv4ToInt(range!);
    const b = Number(bits);
    if (a === null || r === null || !(b >= 0 && b <= 32)) return false;
    const mask = b === 0 ? 0 : (~0 << (32 - b)) >>> 0;
    return (a & mask) >>> 0 === (r & mask) >>> 0;
  });
}

/**
 * The client's address: the TCP peer, unless the peer is a configured trusted proxy; then the
 * X-Forwarded-For chain is read from the right, skipping trusted hops, and the first other address
 * is the client (entries left of it were written by the client and prove nothing).
 * Null when the request did not come over the network (tests calling handlers directly).
 */
export function clientIp(req: Request): string | null {
  const peer = req.headers.get(PEER_HEADER);
  if (!peer) return null;
  const trusted = trustedProxies();
  if (!trusted.length || !isTrusted(peer, trusted)) return normalise(peer);
  const chain = (req.headers.get("x-forwarded-for") ?? "").split(",").map(normalise).filter(Boolean);
  for (let i = chain.length - 1; i >= 0; i--) if (!isTrusted(chain[i]!, trusted)) return chain[i]!;
  return chain[0] ?? normalise(peer);
}
