import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fastFingerprint } from '../../src/alerts/fingerprint.js';
import { fingerprint } from '../../src/labels/labels.js';

describe('fastFingerprint', () => {
  it.each([
    [{}, 'cbf29ce484222325'],
    [{ alertname: 'Watchdog' }, '003b0a0f7d3fa569'],
    [{ alertname: 'HighLatency', cluster: 'eu1' }, '80ba2862db82dbe9'],
    [{ alertname: 'HighLatency', cluster: 'eu1', team: 'frontend' }, '99cc6cb3c35995a6'],
    [{ a: 'é' }, '0019cb2f2449a23e'],
  ])('matches the SEMANTICS §8 vector for %j', (labels, expected) => {
    expect(fastFingerprint(labels)).toBe(expected);
  });

  it('equals the BigInt reference on arbitrary label sets', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' })), (labels) => {
        expect(fastFingerprint(labels)).toBe(fingerprint(labels));
      }),
      { numRuns: 500 },
    );
  });
});
