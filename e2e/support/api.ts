import createClient from "openapi-fetch";
import type { paths } from "../../lib/api/client/schema";

/**
 * The typed client generated from GET /v1/openapi.json (npm run gen:client), against the server
 * under test: e2e specs call the API the way a phone app or a partner integration would.
 */
export function apiClient(baseURL: string | undefined, token?: string) {
  if (!baseURL) throw new Error("Playwright's baseURL is not set");
  return createClient<paths>({ baseUrl: baseURL, headers: token ? { authorization: `Bearer ${token}` } : {} });
}
