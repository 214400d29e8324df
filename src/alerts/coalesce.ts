interface Batch<T> {
  items: T[];
  settle: { resolve: () => void; reject: (err: unknown) => void }[];
}

/**
 * Writes a batch. It may call `release` once the part of it that later writes must wait for is done (its Redis
 * round trip, say): the next write starts then, and this one's remaining work runs alongside it.
 */
export type CoalescedWrite<T> = (items: T[], release: () => void) => Promise<void>;

/**
 * Group commit: what is submitted while `maxInFlight` writes hold their turn (see CoalescedWrite) is written
 * together by a later one. An idle writer sends a submission at once (no added latency); under load, concurrent submissions share one write, so
 * what a write costs whatever its size (script calls, each touched group's work in Redis) is paid once per write
 * instead of once per submission. A write carries at most `maxItems` items unless one submission alone is larger;
 * submissions are written in order, and each settles with the write that carried it, when that completes.
 */
export class Coalescer<T> {
  private readonly queued: Batch<T>[] = [];
  private inFlight = 0;

  constructor(
    private readonly write: CoalescedWrite<T>,
    private readonly maxInFlight: number,
    private readonly maxItems: number,
  ) {}

  submit(items: T[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const last = this.queued.at(-1);
      if (last && last.items.length + items.length <= this.maxItems) {
        for (const item of items) last.items.push(item);
        last.settle.push({ resolve, reject });
      } else {
        this.queued.push({ items: [...items], settle: [{ resolve, reject }] });
      }
      this.drain();
    });
  }

  private drain(): void {
    while (this.inFlight < this.maxInFlight) {
      const batch = this.queued.shift();
      if (!batch) return;
      this.inFlight++;
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        this.inFlight--;
        this.drain();
      };
      // Run in an executor, so a writer that throws rejects like one whose promise fails.
      new Promise<void>((resolve) => resolve(this.write(batch.items, release)))
        .then(
          () => {
            for (const s of batch.settle) s.resolve();
          },
          (err: unknown) => {
            for (const s of batch.settle) s.reject(err);
          },
        )
        .finally(release);
    }
  }
}
