import type { Labels } from '../labels/labels.js';
import { GO_ZERO_TIME_MS } from './go-json.js';
import type { AlertSnapshot, NotificationRequest } from './types.js';

/** One alert as templates see it (Alertmanager template.Alert). */
export interface TemplateAlert {
  status: 'firing' | 'resolved';
  labels: Labels;
  annotations: Record<string, string>;
  startsAt: Date;
  /** Go's zero time while firing. */
  endsAt: Date;
  generatorURL: string;
  fingerprint: string;
}

/** Alertmanager template.Data (SEMANTICS §3.6), the `NotificationData` the template engine renders. */
export interface TemplateData {
  receiver: string;
  status: 'firing' | 'resolved';
  alerts: TemplateAlert[];
  groupLabels: Labels;
  commonLabels: Labels;
  commonAnnotations: Record<string, string>;
  routeLabels: Labels;
  externalURL: string;
  groupKey: string;
  notificationReason?: string;
}

/** What the notifier needs from the template engine. */
export interface TemplateRenderer {
  render(text: string, data: TemplateData, opts?: { html?: boolean }): string;
}

/** Go's regexp.QuoteMeta, which Alertmanager applies to the receiver name (a quirk kept for compatibility). */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/** The pairs identical in every map of the list (empty for an empty list). */
export function commonPairs(maps: Record<string, string>[]): Record<string, string> {
  const [first, ...rest] = maps;
  if (!first) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(first)) {
    if (rest.every((m) => m[k] === v)) out[k] = v;
  }
  return out;
}

export function groupStatus(alerts: AlertSnapshot[]): 'firing' | 'resolved' {
  return alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved';
}

function toTemplateAlert(a: AlertSnapshot): TemplateAlert {
  return {
    status: a.status,
    labels: a.labels,
    annotations: a.annotations,
    startsAt: new Date(a.startsAt),
    endsAt: new Date(a.status === 'firing' || a.endsAt <= 0 ? GO_ZERO_TIME_MS : a.endsAt),
    generatorURL: a.generatorURL,
    fingerprint: a.fingerprint,
  };
}

/** Template data for the alerts actually sent (callers pass the list after max_alerts truncation). */
export function buildTemplateData(
  request: NotificationRequest,
  alerts: AlertSnapshot[] = request.alerts,
): TemplateData {
  return {
    receiver: quoteMeta(request.receiver),
    status: groupStatus(alerts),
    alerts: alerts.map(toTemplateAlert),
    groupLabels: request.groupLabels,
    commonLabels: commonPairs(alerts.map((a) => a.labels)),
    commonAnnotations: commonPairs(alerts.map((a) => a.annotations)),
    routeLabels: request.routeLabels,
    externalURL: request.externalURL,
    groupKey: request.groupKey,
    notificationReason: request.notificationReason,
  };
}
