import { describe, expect, it } from 'vitest';
import { compareLabelSets, labelSetBefore, sortAlerts } from '../../src/dispatch/sort.js';
import type { Labels } from '../../src/labels/labels.js';

describe('alert order (SEMANTICS §5.4)', () => {
  it('puts alerts with job first, then by job, then instance, then label set', () => {
    const alerts: { labels: Labels }[] = [
      { labels: { alertname: 'A', instance: 'i2' } },
      { labels: { alertname: 'A' } },
      { labels: { alertname: 'A', job: 'b' } },
      { labels: { alertname: 'A', instance: 'i1' } },
      { labels: { alertname: 'A', job: 'a', instance: 'z' } },
      { labels: { alertname: 'B', job: 'a', instance: 'y' } },
    ];
    expect(sortAlerts(alerts).map((a) => a.labels)).toEqual([
      { alertname: 'B', job: 'a', instance: 'y' },
      { alertname: 'A', job: 'a', instance: 'z' },
      { alertname: 'A', job: 'b' },
      { alertname: 'A', instance: 'i1' },
      { alertname: 'A', instance: 'i2' },
      { alertname: 'A' },
    ]);
  });

  it('label-set order: fewer labels first, then first differing name or value', () => {
    expect(labelSetBefore({ z: '1' }, { a: '1', b: '2' })).toBe(true);
    // Go's Before walks the sorted union of names: the set lacking the first name the other has sorts first.
    expect(labelSetBefore({ a: '1', c: '1' }, { a: '1', b: '1' })).toBe(true);
    expect(labelSetBefore({ a: '1', b: '1' }, { a: '1', c: '1' })).toBe(false);
    expect(compareLabelSets({ a: '1' }, { a: '2' })).toBe(-1);
    expect(compareLabelSets({ a: '1' }, { a: '1' })).toBe(0);
  });
});
