import { compareBytes, type Labels } from '../labels/labels.js';

/** prometheus/common `LabelSet.Before`: fewer labels first, then the first differing name or value. */
export function labelSetBefore(a: Labels, b: Labels): boolean {
  const an = Object.keys(a);
  const bn = Object.keys(b);
  if (an.length !== bn.length) return an.length < bn.length;
  const names = [...an, ...bn].sort(compareBytes);
  for (const name of names) {
    const av = a[name];
    if (av === undefined) return true;
    const bv = b[name];
    if (bv === undefined) return false;
    const c = compareBytes(av, bv);
    if (c !== 0) return c < 0;
  }
  return false;
}

export function compareLabelSets(a: Labels, b: Labels): number {
  if (labelSetBefore(a, b)) return -1;
  return labelSetBefore(b, a) ? 1 : 0;
}

const OVERRIDE_KEYS = ['job', 'instance'] as const;

/**
 * Alertmanager's `alertsSlice` order (SEMANTICS §5.4): alerts having `job` first, ascending, then
 * `instance` likewise, then label-set order.
 */
export function compareAlertLabels(a: Labels, b: Labels): number {
  for (const key of OVERRIDE_KEYS) {
    const av = a[key];
    const bv = b[key];
    if (av === undefined && bv === undefined) continue;
    if (av === undefined) return 1;
    if (bv === undefined) return -1;
    if (av !== bv) return compareBytes(av, bv);
  }
  return compareLabelSets(a, b);
}

/** Stable sort by `compareAlertLabels` (Array.prototype.sort is stable). */
export function sortAlerts<T extends { labels: Labels }>(alerts: T[]): T[] {
  return [...alerts].sort((x, y) => compareAlertLabels(x.labels, y.labels));
}
