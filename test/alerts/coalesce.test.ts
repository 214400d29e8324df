import { describe, expect, it } from 'vitest';
import { Coalescer } from '../../src/alerts/coalesce.js';

/** A writer whose writes stay open until the test settles them. */
function controlledWriter() {
  const writes: { items: number[]; resolve: () => void; reject: (err: unknown) => void; release: () => void }[] = [];
  const write = (items: number[], release: () => void) =>
    new Promise<void>((resolve, reject) => {
      writes.push({ items: [...items], resolve, reject, release });
    });
  return { writes, write };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('Coalescer', () => {
  it('writes a submission to an idle writer at once, alone', async () => {
    const { writes, write } = controlledWriter();
    const c = new Coalescer(write, 1, 100);
    const done = c.submit([1, 2]);
    expect(writes.map((w) => w.items)).toEqual([[1, 2]]);
    writes[0]!.resolve();
    await expect(done).resolves.toBeUndefined();
  });

  it('gathers what is submitted during a write into the next one, in order, and settles each with its write', async () => {
    const { writes, write } = controlledWriter();
    const c = new Coalescer(write, 1, 100);
    const settled: string[] = [];
    const track = (name: string, p: Promise<void>) => p.then(() => settled.push(name));
    const a = track('a', c.submit([1]));
    const b = track('b', c.submit([2, 3]));
    const d = track('d', c.submit([4]));
    expect(writes.map((w) => w.items)).toEqual([[1]]);
    writes[0]!.resolve();
    await a;
    await tick();
    expect(settled).toEqual(['a']);
    expect(writes.map((w) => w.items)).toEqual([[1], [2, 3, 4]]);
    writes[1]!.resolve();
    await Promise.all([b, d]);
    expect(settled).toEqual(['a', 'b', 'd']);
  });

  it('starts a new write once a gathered one would pass maxItems, and writes an oversized submission whole', async () => {
    const { writes, write } = controlledWriter();
    const c = new Coalescer(write, 1, 3);
    const all = [c.submit([0]), c.submit([1, 2]), c.submit([3]), c.submit([4, 5, 6, 7, 8]), c.submit([9])];
    for (let i = 0; i < 4; i++) {
      writes[i]!.resolve();
      await tick();
    }
    await Promise.all(all);
    expect(writes.map((w) => w.items)).toEqual([[0], [1, 2, 3], [4, 5, 6, 7, 8], [9]]);
  });

  it('starts the next write when the running one releases its slot, and settles each when it completes', async () => {
    const { writes, write } = controlledWriter();
    const c = new Coalescer(write, 1, 100);
    const settled: number[] = [];
    void c.submit([1]).then(() => settled.push(1));
    void c.submit([2]).then(() => settled.push(2));
    void c.submit([3]).then(() => settled.push(3));
    writes[0]!.release();
    writes[0]!.release(); // at most once
    expect(writes.map((w) => w.items)).toEqual([[1], [2, 3]]);
    writes[1]!.resolve();
    await tick();
    expect(settled).toEqual([2, 3]);
    // The released write still runs but holds no slot: the next submission goes out at once.
    void c.submit([4]);
    expect(writes.map((w) => w.items)).toEqual([[1], [2, 3], [4]]);
    writes[0]!.resolve();
    await tick();
    expect(settled).toEqual([2, 3, 1]);
  });

  it('runs up to maxInFlight writes at once', () => {
    const { writes, write } = controlledWriter();
    const c = new Coalescer(write, 2, 100);
    void c.submit([1]);
    void c.submit([2]);
    void c.submit([3]);
    void c.submit([4]);
    expect(writes.map((w) => w.items)).toEqual([[1], [2]]);
  });

  it('fails every submission of a failed write, and only those; later writes go on', async () => {
    const { writes, write } = controlledWriter();
    const c = new Coalescer(write, 1, 100);
    const first = c.submit([1]);
    const second = c.submit([2]);
    const third = c.submit([3]);
    const boom = new Error('Redis went away');
    writes[0]!.reject(boom);
    await expect(first).rejects.toBe(boom);
    await tick();
    expect(writes.map((w) => w.items)).toEqual([[1], [2, 3]]);
    writes[1]!.resolve();
    await expect(Promise.all([second, third])).resolves.toEqual([undefined, undefined]);
  });

  it('survives a writer that throws instead of rejecting', async () => {
    let calls = 0;
    const c = new Coalescer<number>(
      () => {
        calls++;
        if (calls === 1) throw new Error('sync failure');
        return Promise.resolve();
      },
      1,
      100,
    );
    await expect(c.submit([1])).rejects.toThrow('sync failure');
    await expect(c.submit([2])).resolves.toBeUndefined();
  });
});
