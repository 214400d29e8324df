import { describe, expect, it } from 'vitest';
import { compareBytes, sortedNames } from '../../src/labels/labels.js';

/** Go's string order: the UTF-8 bytes, compared as Buffer.compare does (lone surrogates encode as U+FFFD). */
const goOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

// Units around every boundary where UTF-16 order and UTF-8 byte order could part: ASCII, 2- and 3-byte BMP, the
// surrogates (alone and paired), and the BMP above them.
const UNITS = [0x41, 0x61, 0x7f, 0x80, 0x7ff, 0x800, 0xd7ff, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xe000, 0xfffd, 0xffff];

function randomString(random: () => number): string {
  const length = Math.floor(random() * 5);
  let s = '';
  for (let i = 0; i < length; i++) s += String.fromCharCode(UNITS[Math.floor(random() * UNITS.length)]!);
  return s;
}

/** A small seeded generator (mulberry32): failures reproduce. */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('compareBytes', () => {
  it('orders as Go compares strings, byte-wise in UTF-8, on 20,000 random pairs around the surrogates', () => {
    const random = seeded(42);
    for (let i = 0; i < 20_000; i++) {
      const a = randomString(random);
      const b = random() < 0.2 ? a + randomString(random) : randomString(random);
      expect([a, b, Math.sign(compareBytes(a, b))]).toEqual([a, b, goOrder(a, b)]);
    }
  });

  it('puts a non-BMP character after the BMP characters above the surrogates, unlike UTF-16 order', () => {
    expect(compareBytes('\u{1f600}', '\uffff')).toBe(1);
    expect('\u{1f600}' < '\uffff').toBe(true);
    expect(compareBytes('a', 'ab')).toBe(-1);
    expect(compareBytes('ab', 'ab')).toBe(0);
  });

  it('sorts label names in that order', () => {
    expect(sortedNames({ b: '1', '\u{1f600}': '2', '\uffff': '3', a: '4', B: '5' })).toEqual([
      'B',
      'a',
      'b',
      '\uffff',
      '\u{1f600}',
    ]);
  });
});
