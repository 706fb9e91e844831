import { describe, expect, it, vi } from "vitest";
import { getDb } from "@/db/client";
import * as tokens from "@/db/queries/tokens";
import { forgetCallers, resolveCaller } from "@/lib/auth/caller";
import { apiRequest, createUser } from "./fixtures";

// The per-process cache of verified API tokens (lib/auth/caller.ts), counted by the lookups it does.
vi.mock("@/db/queries/tokens", async (importOriginal) => {
  const actual = await importOriginal<typeof import("@/db/queries/tokens")>();
  return { ...actual, findTokenCaller: vi.fn(actual.findTokenCaller) };
});
const lookups = vi.mocked(tokens.findTokenCaller);
const who = async (token: string) =>
  (await resolveCaller(apiRequest("GET", "/v1/me", { token }), await getDb())).caller?.id;

describe("verified API tokens, cached per process", () => {
  it("are looked up once, then again after a revocation or role change anywhere", async () => {
    const user = await createUser("driver");
    lookups.mockClear();
    expect(await who(user.token)).toBe(user.id);
    expect(await who(user.token)).toBe(user.id);
    expect(lookups).toHaveBeenCalledTimes(1);
    forgetCallers();
    expect(await who(user.token)).toBe(user.id);
    expect(lookups).toHaveBeenCalledTimes(2);
  });

  it("do not keep a lookup that began before a revocation", async () => {
    const user = await createUser("driver");
    lookups.mockClear();
    // The lookup answers (the token was live when read) only after the revocation was heard of.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    lookups.mockImplementationOnce(async (db, hash) => {
      const row = await vi.importActual<typeof tokens>("@/db/queries/tokens").then((t) => t.findTokenCaller(db, hash));
      await gate;
      return row;
    });
    const first = who(user.token);
    await vi.waitFor(() => expect(lookups).toHaveBeenCalledTimes(1));
    forgetCallers();
    release();
    expect(await first).toBe(user.id);
    expect(await who(user.token)).toBe(user.id);
    expect(lookups).toHaveBeenCalledTimes(2);
  });
});
