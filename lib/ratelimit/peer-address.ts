import http from "node:http";
import { PEER_HEADER } from "./client-ip";

/**
 * Route handlers see a web Request without the socket, and Next.js writes the peer into
 * X-Forwarded-For only when the client sent none. So every incoming request is stamped here with
 * the socket's address, overwriting a client's own header of that name. Patched on the prototype
 * because `next start` has created its server before instrumentation runs.
 */
export function stampPeerAddress() {
  const proto = http.Server.prototype as unknown as {
    emit: (event: string, ...args: unknown[]) => boolean;
    __spotkeeperPeer?: true;
  };
  if (proto.__spotkeeperPeer) return;
  proto.__spotkeeperPeer = true;
  const emit = proto.emit;
  proto.emit = function (this: unknown, event: string, ...args: unknown[]) {
    if (event === "request") {
      const req = args[0] as http.IncomingMessage;
      req.headers[PEER_HEADER] = req.socket?.remoteAddress ?? "";
    }
    return emit.call(this, event, ...args);
  };
}
