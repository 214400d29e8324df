import type { Alert } from '../../src/alerts/types.js';

/**
 * Alertmanager merges a re-posted alert with the stored one only when the activity ranges overlap:
 * the new endsAt or the new startsAt lies strictly inside (old.startsAt, old.endsAt). Otherwise the
 * new alert replaces the old one (provider/mem `Put`).
 */
export function overlaps(old: Alert, incoming: Alert): boolean {
  const inside = (t: number) => t > old.startsAt && t < old.endsAt;
  return inside(incoming.endsAt) || inside(incoming.startsAt);
}

/** `types.Alert.Merge`: the copy updated later is the base (SEMANTICS §5.1). */
export function mergeAlerts(a: Alert, b: Alert, now: number): Alert {
  const [older, younger] = b.updatedAt < a.updatedAt ? [b, a] : [a, b];
  const result: Alert = { ...younger };
  if (older.startsAt < younger.startsAt) result.startsAt = older.startsAt;
  if (younger.endsAt <= now) {
    // The latest explicit resolve time wins when both copies are resolved.
    if (older.endsAt <= now && older.endsAt > younger.endsAt) result.endsAt = older.endsAt;
  } else if (older.endsAt > younger.endsAt && !older.timeout) {
    // A non-timeout end time rules when it is the later one.
    result.endsAt = older.endsAt;
  }
  return result;
}

/** What the store keeps after `incoming` arrives for a fingerprint that may already hold `old`. */
export function applyIncoming(old: Alert | undefined, incoming: Alert, now: number): Alert {
  if (old && overlaps(old, incoming)) return mergeAlerts(old, incoming, now);
  return incoming;
}
