/**
 * The gate figure's baseline: a bare node:http server that answers every request with one ioredis
 * GET, on the same machine, Redis and load generator as the real server. Prints `port <n>`.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import IORedis from "ioredis";

const redis = new IORedis(process.env.REDIS_URL!, { maxRetriesPerRequest: 1 });
const key = process.argv[2]!;
const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req
    .on("data", (c: Buffer) => chunks.push(c))
    .on("end", async () => {
      const value = await redis.get(key);
      res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ action: "open_barrier", pass: value }));
    });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.argv[3] ?? 0), "127.0.0.1", () =>
  console.log(`port ${(server.address() as AddressInfo).port}`),
);
