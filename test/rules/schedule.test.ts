import { describe, expect, it } from 'vitest';
import { firstSlotAfterStart, groupOffsetMs, missedIterations, slotAt } from '../../src/rules/schedule.js';
import { xxhash64 } from '../../src/rules/xxhash64.js';

const enc = (s: string) => new TextEncoder().encode(s);

describe('xxhash64', () => {
  it.each([
    ['', 0xef46db3751d8e999n],
    ['a', 0xd24ec4f1a98c6e5bn],
    ['abc', 0x44bc2cf5ad770999n],
    ['Nobody inspects the spammish repetition', 0xfbcea83c8a378bf1n],
  ])('hashes %j', (s, h) => {
    expect(xxhash64(enc(s))).toBe(h);
  });
});

describe('slot grid', () => {
  it('offset is stable, below the interval and depends on file and name', () => {
    const a = groupOffsetMs('rules.yml', 'g1', 10_000);
    expect(a).toBe(groupOffsetMs('rules.yml', 'g1', 10_000));
    expect(a).toBeGreaterThanOrEqual(0);
    expect(a).toBeLessThan(10_000);
    expect(new Set(['g1', 'g2', 'g3', 'g4'].map((g) => groupOffsetMs('rules.yml', g, 10_000))).size).toBeGreaterThan(1);
  });

  it('slotAt, first slot and missed iterations follow §2.1', () => {
    expect(slotAt(12_345, 1000, 300)).toBe(12_300);
    expect(slotAt(12_299, 1000, 300)).toBe(11_300);
    expect(slotAt(12_300, 1000, 300)).toBe(12_300);
    expect(firstSlotAfterStart(12_345, 1000, 300)).toBe(13_300);
    expect(missedIterations(0, 5000, 1000)).toBe(0);
    expect(missedIterations(4000, 5000, 1000)).toBe(0);
    expect(missedIterations(2000, 5000, 1000)).toBe(2);
  });
});
