import { setTimeout as sleep } from 'node:timers/promises';

export interface PoolOptions {
  /** How many calls may be in flight at once. */
  limit: number;
  /** Slot n starts n × staggerMs after the first, so timed work in the slots does not all coincide. */
  staggerMs?: number;
}

/** Runs `fn` over `items` with at most `limit` calls in flight; the results come back in the order of `items`. */
export async function runPool<T, R>(
  items: readonly T[],
  { limit, staggerMs = 0 }: PoolOptions,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (_: unknown, slot: number) => {
    await sleep(slot * staggerMs);
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
