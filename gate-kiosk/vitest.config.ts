import { defineConfig } from "vitest/config";

// For `npm test` inside this package (e.g. on a gate PC checkout). The repository's root vitest config
// also picks these files up, so `npx vitest run` at the root runs them with the rest of the suite.
export default defineConfig({
  test: {
    environment: "node",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 30_000,
  },
});
