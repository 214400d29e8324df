import type { Labels } from '../../labels/labels.js';
import type { AlertSnapshot, IntegrationInfo, NotificationRequest } from '../../notify/types.js';
import { decideNotify, type NflogEntry } from '../decide.js';

export interface PlanInput {
  now: number;
  groupKey: string;
  /** The aggregation group's id (it places the notifications' claim keys). */
  groupId: string;
  receiver: string;
  groupLabels: Labels;
  routeLabels: Labels;
  repeatIntervalMs: number;
  externalURL: string;
  /** The alerts left after the filtering stages, in §5.4 order. */
  alerts: AlertSnapshot[];
  /**
   * Resolved alerts among `alerts` that a silence mutes (kept by `send_resolved_when_silenced`): each goes only
   * to integrations with send_resolved whose last notification had it firing.
   */
  silencedResolved?: ReadonlySet<string>;
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
  const firingSet = new Set(firingHashes);
  const plan: NotifyPlan = { send: [], writes: [] };
  integrations.forEach((integration, i) => {
    const entry = entries[i] ?? null;
    const alerts = alertsFor(input, integration, entry);
    if (alerts.length === 0) return;
    const resolvedHashes = alerts.filter((a) => a.status === 'resolved').map((a) => a.fingerprint);
    const resolvedSet = new Set(resolvedHashes);
    const decision = decideNotify(
      entry,
      firingSet,
      resolvedSet,
      input.now,
      input.repeatIntervalMs,
      integration.sendResolved,
    );
    if (!decision.notify) return;
    const sent = integration.sendResolved ? alerts : firing;
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
      groupId: input.groupId,
      repeatIntervalMs: input.repeatIntervalMs,
    });
  });
  return plan;
}

/** The alerts one integration is told about: all of them, less silenced resolved ones it never saw firing. */
function alertsFor(input: PlanInput, integration: IntegrationInfo, entry: NflogEntry | null): AlertSnapshot[] {
  const muted = input.silencedResolved;
  if (!muted || muted.size === 0) return input.alerts;
  const notifiedFiring = new Set(integration.sendResolved ? (entry?.firing ?? []) : []);
  return input.alerts.filter((a) => !muted.has(a.fingerprint) || notifiedFiring.has(a.fingerprint));
}
