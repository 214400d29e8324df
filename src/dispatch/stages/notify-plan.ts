import type { Labels } from '../../labels/labels.js';
import type { AlertSnapshot, IntegrationInfo, NotificationRequest } from '../../notify/types.js';
import { decideNotify, type NflogEntry } from '../decide.js';

export interface PlanInput {
  now: number;
  groupKey: string;
  receiver: string;
  groupLabels: Labels;
  routeLabels: Labels;
  repeatIntervalMs: number;
  externalURL: string;
  /** The alerts left after the filtering stages, in §5.4 order. */
  alerts: AlertSnapshot[];
}

export interface NflogWrite {
  integration: IntegrationInfo;
  entry: NflogEntry;
}

export interface NotifyPlan {
  /** Notifications to claim and enqueue on the notifier. */
  send: NotificationRequest[];
  /** The no-send cases (SEMANTICS §5.7): nothing to deliver, but the log is written. */
  writes: NflogWrite[];
}

/**
 * Stage 5, pure part: per integration, the dedup decision (SEMANTICS §5.6) and what follows from it —
 * a notification with send_resolved applied, or a direct log write when no firing alert is left to send.
 * `entries` holds each integration's current nflog entry, in the order of `integrations`.
 */
export function planNotifications(
  input: PlanInput,
  integrations: IntegrationInfo[],
  entries: (NflogEntry | null)[],
): NotifyPlan {
  const firing = input.alerts.filter((a) => a.status === 'firing');
  const firingHashes = firing.map((a) => a.fingerprint);
  const resolvedHashes = input.alerts.filter((a) => a.status === 'resolved').map((a) => a.fingerprint);
  const firingSet = new Set(firingHashes);
  const resolvedSet = new Set(resolvedHashes);
  const plan: NotifyPlan = { send: [], writes: [] };
  integrations.forEach((integration, i) => {
    const entry = entries[i] ?? null;
    const decision = decideNotify(
      entry,
      firingSet,
      resolvedSet,
      input.now,
      input.repeatIntervalMs,
      integration.sendResolved,
    );
    if (!decision.notify) return;
    const sent = integration.sendResolved ? input.alerts : firing;
    if (sent.length === 0) {
      plan.writes.push({
        integration,
        entry: { timestamp: input.now, firing: firingHashes, resolved: resolvedHashes },
      });
      return;
    }
    plan.send.push({
      groupKey: input.groupKey,
      receiver: input.receiver,
      integration: integration.type,
      integrationIndex: integration.index,
      groupLabels: input.groupLabels,
      routeLabels: input.routeLabels,
      alerts: sent,
      notificationReason: decision.reason,
      firingHashes,
      resolvedHashes,
      flushTs: input.now,
      externalURL: input.externalURL,
    });
  });
  return plan;
}
