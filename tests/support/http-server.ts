import http from "node:http";
import type { AddressInfo } from "node:net";

type RouteHandler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
export type Route = { method: string; pattern: RegExp; handler: RouteHandler };

/**
 * A tiny real HTTP server in front of the route handlers: node:http IncomingMessage → web Request,
 * Response → ServerResponse, as Next.js does it. Named groups of the pattern become `params`.
 */
export async function serveRoutes(routes: Route[]) {
  const server = http.createServer(async (incoming, outgoing) => {
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of incoming) chunks.push(chunk as Buffer);
      const url = new URL(incoming.url ?? "/", `http://${incoming.headers.host ?? "localhost"}`);
      const route = routes.find((r) => r.method === incoming.method && r.pattern.test(url.pathname));
      if (!route) {
        outgoing
          .writeHead(404, { "content-type": "application/json" })
          .end('{"error":{"code":"not_found","message":"No route"}}');
        return;
      }
      const headers = new Headers();
      for (const [name, value] of Object.entries(incoming.headers)) {
        if (typeof value === "string") headers.set(name, value);
        else if (Array.isArray(value)) for (const v of value) headers.append(name, v);
      }
      const body = chunks.length ? Buffer.concat(chunks) : undefined;
      const request = new Request(url, { method: incoming.method, headers, body });
      const params = { ...url.pathname.match(route.pattern)!.groups };
      const response = await route.handler(request, { params: Promise.resolve(params) });
      outgoing.writeHead(response.status, Object.fromEntries(response.headers));
      outgoing.end(Buffer.from(await response.arrayBuffer()));
    } catch (err) {
      // The handlers render their own errors; anything landing here is a bug the test must see.
      outgoing.writeHead(500, { "content-type": "text/plain" }).end(`adapter: ${(err as Error).stack}`);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** A port nothing listens on: connections to it are refused at once (a service that is down). */
export async function closedPort() {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
