import { goJsonEncode, goTimeJson, sortedObject } from '../go-json.js';
import { commonPairs, groupStatus, quoteMeta } from '../template-data.js';
import type { AlertSnapshot, NotificationRequest } from '../types.js';

/** Alertmanager's truncateAlerts: the first `maxAlerts` (0 = all) and how many were cut. */
export function truncateAlerts(
  alerts: AlertSnapshot[],
  maxAlerts: number,
): { sent: AlertSnapshot[]; truncated: number } {
  if (maxAlerts > 0 && alerts.length > maxAlerts) {
    return { sent: alerts.slice(0, maxAlerts), truncated: alerts.length - maxAlerts };
  }
  return { sent: alerts, truncated: 0 };
}

/**
 * The webhook body, version 4, byte-identical to Alertmanager 0.25 (the recorded reference): Go struct field
 * order, map keys sorted, Go's HTML-safe escaping and the encoder's trailing newline (SEMANTICS §8).
 */
export function webhookBody(request: NotificationRequest, maxAlerts: number): string {
  const { sent, truncated } = truncateAlerts(request.alerts, maxAlerts);
  // The fields of template.Data it carries, without building the template alerts (on every notification's path).
  return goJsonEncode({
    receiver: quoteMeta(request.receiver),
    status: groupStatus(sent),
    alerts: sent.map((a) => ({
      status: a.status,
      labels: sortedObject(a.labels),
      annotations: sortedObject(a.annotations),
      startsAt: goTimeJson(a.startsAt),
      endsAt: goTimeJson(a.status === 'firing' ? 0 : a.endsAt),
      generatorURL: a.generatorURL,
      fingerprint: a.fingerprint,
    })),
    groupLabels: sortedObject(request.groupLabels),
    commonLabels: sortedObject(commonPairs(sent.map((a) => a.labels))),
    commonAnnotations: sortedObject(commonPairs(sent.map((a) => a.annotations))),
    externalURL: request.externalURL,
    version: '4',
    groupKey: request.groupKey,
    truncatedAlerts: truncated,
  });
}
