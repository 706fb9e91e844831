// ESLint: Next.js' own rules (core web vitals, with typescript-eslint's recommended set) and Drizzle's
// guard against a `delete`/`update` that forgets its `where`. `npm run lint` runs it with Prettier.
import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";
import drizzle from "eslint-plugin-drizzle";

// Generated or produced by tools; .prettierignore lists the same.
const GENERATED = [
  ".next/**",
  "node_modules/**",
  "gate-kiosk/node_modules/**",
  "gate-kiosk/dist/**",
  "next-env.d.ts",
  ".data/**",
  "db/migrations/meta/**",
  "bench/results/**",
  "lib/api/client/**",
  "test-results/**",
  "playwright-report/**",
  "coverage/**",
];

export default defineConfig([
  globalIgnores(GENERATED),
  ...nextVitals,
  ...nextTs,
  {
    plugins: { drizzle },
    rules: {
      // Only on the names our database handles go by, so Map#delete and Hash#update are left alone.
      "drizzle/enforce-delete-with-where": ["error", { drizzleObjectName: ["db", "tx"] }],
      "drizzle/enforce-update-with-where": ["error", { drizzleObjectName: ["db", "tx"] }],
      // `_name` marks a parameter or destructured value kept for its position; tsc's noUnused* is off.
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" },
      ],
    },
  },
  {
    // Vitest set-up helpers are named use…() (useFakeStripe, useOwnDatabase) and called at a file's top
    // level; they are not React hooks, and renaming thirty call sites would change nothing.
    files: ["tests/**", "**/*.test.ts", "gate-kiosk/test/**"],
    rules: { "react-hooks/rules-of-hooks": "off" },
  },
]);
