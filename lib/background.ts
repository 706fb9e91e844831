/**
 * Work a commit calls for that the answer does not wait on (a mail server, Inngest's event API),
 * kept per kind so that tests can wait for it. Should the process stop first, what the work was
 * for is found again by a sweep (each caller names its own).
 */
export function backgroundWork(kind: string) {
  const g = globalThis as unknown as Record<string, Set<Promise<unknown>> | undefined>;
  const inflight = (g[`__spotkeeperBackground:${kind}`] ??= new Set());
  return {
    start(work: Promise<unknown>) {
      inflight.add(work);
      void work.finally(() => inflight.delete(work));
    },
    /** Resolves when none of this kind is in flight. */
    async idle() {
      while (inflight.size) await Promise.allSettled([...inflight]);
    },
  };
}
