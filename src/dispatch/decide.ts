/** The notification-log entry of one (group key, receiver, integration, index) (SEMANTICS §5.8). */
export interface NflogEntry {
  /** Send time of the last delivered notification (or of the no-send write). */
  timestamp: number;
  firing: string[];
  resolved: string[];
  receiverData?: Record<string, string>;
}

export type NotifyDecision = { notify: true; reason: NotificationReason } | { notify: false };

export type NotificationReason =
  | 'first notification'
  | 'new alerts added'
  | 'all alerts resolved'
  | 'some alerts resolved'
  | 'repeat interval elapsed';

function isSubset(subset: Set<string>, of: readonly string[]): boolean {
  if (subset.size === 0) return true;
  const set = new Set(of);
  for (const h of subset) if (!set.has(h)) return false;
  return true;
}

/**
 * Alertmanager's dedup stage (`notify/dedup_stage.go`, SEMANTICS §5.6): whether this flush notifies the
 * integration whose log entry is `entry`, given the hashes of the remaining firing and resolved alerts.
 * Rows are checked in order; the first that applies decides.
 */
export function decideNotify(
  entry: NflogEntry | null,
  firing: Set<string>,
  resolved: Set<string>,
  now: number,
  repeatIntervalMs: number,
  sendResolved: boolean,
): NotifyDecision {
  if (!entry) return firing.size > 0 ? { notify: true, reason: 'first notification' } : { notify: false };
  if (!isSubset(firing, entry.firing)) {
    return { notify: true, reason: entry.firing.length === 0 ? 'first notification' : 'new alerts added' };
  }
  if (firing.size === 0) {
    return entry.firing.length > 0 ? { notify: true, reason: 'all alerts resolved' } : { notify: false };
  }
  if (sendResolved && !isSubset(resolved, entry.resolved)) return { notify: true, reason: 'some alerts resolved' };
  if (entry.timestamp < now - repeatIntervalMs) return { notify: true, reason: 'repeat interval elapsed' };
  return { notify: false };
}
