import net from "node:net";

export type ProxyMode = "pass" | "refuse" | "stall" | "slow";

/**
 * Stands between the bridge and the server like a bad network: passes traffic, refuses connections,
 * accepts them and never answers (a stalled link), or delays every chunk (a slow one).
 */
export class TcpProxy {
  mode: ProxyMode = "pass";
  slowMs = 1_000;
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const server = net.createServer((client) => {
      this.sockets.add(client);
      client.on("close", () => this.sockets.delete(client));
      client.on("error", () => {});
      if (this.mode === "refuse") return client.destroy();
      if (this.mode === "stall") return; // accepted, never answered
      const upstream = net.connect(this.target.port, this.target.host);
      this.sockets.add(upstream);
      upstream.on("close", () => this.sockets.delete(upstream));
      upstream.on("error", () => client.destroy());
      const delay = this.mode === "slow" ? this.slowMs : 0;
      const forward = (from: net.Socket, to: net.Socket) =>
        from.on("data", (chunk) => (delay ? setTimeout(() => to.writable && to.write(chunk), delay) : to.write(chunk)));
      forward(client, upstream);
      forward(upstream, client);
      client.on("close", () => upstream.destroy());
      upstream.on("close", () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(this.port, "127.0.0.1", () => resolve()));
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  /** Drops every connection (a link that changed state cuts what was open). */
  reset() {
    for (const s of this.sockets) s.destroy();
  }

  async stop(): Promise<void> {
    this.reset();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = null;
  }
}
