import { DEMO_PASSWORD, DEMO_USERS } from "./seed";

/**
 * What `npm run demo` prints once the server is ready (instrumentation.ts): where to go and how to get
 * in, so nobody has to look the accounts up in the README. Demo mode only; these are the seed's values.
 */
export function demoBanner(opts: { url: string; driverToken: string; operatorToken: string }) {
  const tokens = { driver: opts.driverToken, operator: opts.operatorToken };
  const accounts = DEMO_USERS.map(
    (u) => `    ${u.role.padEnd(9)} ${u.email} / ${DEMO_PASSWORD}   API token: ${tokens[u.role]}`,
  );
  return [
    "",
    `  Spotkeeper demo is ready: ${opts.url}`,
    `  Sign in at ${opts.url}/sign-in`,
    ...accounts,
    `  Test cards: 4242 4242 4242 4242 succeeds, 4000 0000 0000 0002 is declined.`,
    `  API: curl ${opts.url}/v1/lots    contract: ${opts.url}/v1/openapi.json`,
    "",
  ].join("\n");
}
