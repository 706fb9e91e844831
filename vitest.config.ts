import path from "node:path";
import { defineConfig } from "vitest/config";

const root = path.dirname(new URL(import.meta.url).pathname);

export default defineConfig({
  resolve: {
    alias: {
      "@": root,
      // The gate contract is the bridge package's source, shared with the app (tsconfig.json paths).
      "@spotkeeper/gate-kiosk/contract": path.join(root, "gate-kiosk/src/contract.ts"),
      // The real package throws on import outside a react-server bundle; the tests are plain Node.
      "server-only": path.join(root, "tests/support/server-only.ts"),
    },
  },
  test: {
    environment: "node",
    include: ["lib/**/*.test.ts", "tests/**/*.test.ts", "gate-kiosk/**/*.test.ts"],
    globalSetup: ["tests/global-setup.ts"],
    setupFiles: ["tests/setup-env.ts"],
    // Integration tests talk to a real PostgreSQL (and Redis); the first query of a worker migrates.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
