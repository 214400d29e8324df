/**
 * What the alerts and alert-groups endpoints need from the router, and the shared gettableAlert rendering
 * and query parsing (SEMANTICS §7.1).
 */
import type { FastifyReply } from 'fastify';
import type { Alert, IngestResult, PostableAlert } from '../../alerts/types.js';
import type { AlertmanagerConfig, RouteConfig } from '../../config/alertmanager/types.js';
import type { GroupInfo } from '../../dispatch/groups.js';
import type { Placement } from '../../dispatch/index.js';
import type { Labels } from '../../labels/labels.js';
import { type Matcher, matchesAll, parseMatcher } from '../../labels/matcher.js';
import { type CompiledRegex, compileAnchored } from '../../labels/regex.js';
import { boolParam, formatApiTime, listParam, sendJsonString } from './wire.js';

/** The router's Silencer, which may take the alert's fingerprint as a cheaper cache key (the silences component's does). */
export interface AlertSilencer {
  mutedBy(labels: Labels, now: number, fingerprint?: string): string[];
}

export interface AlertsBackend {
  now(): number;
  config(): AlertmanagerConfig;
  silencer: AlertSilencer | undefined;
  ingest(alerts: PostableAlert[]): Promise<IngestResult>;
  unresolvedAlerts(now: number): Promise<Alert[]>;
  alertsByFingerprint(fps: string[]): Promise<Map<string, Alert>>;
  place(labels: Labels): Placement[];
  groups(): Promise<GroupInfo[]>;
  routeById(id: string): RouteConfig | undefined;
  /** Inhibition check over `sources` (the unresolved alerts), built once per request (SEMANTICS §4.6). */
  inhibitor(sources: Alert[], now: number): (alert: Alert) => string[];
}

export interface AlertStatus {
  state: 'active' | 'suppressed' | 'unprocessed';
  silencedBy: string[];
  inhibitedBy: string[];
  mutedBy: string[];
}

export function alertStatus(
  backend: AlertsBackend,
  alert: Alert,
  inhibitor: (alert: Alert) => string[],
  now: number,
  mutedBy: string[] = [],
): AlertStatus {
  const silencedBy = backend.silencer?.mutedBy(alert.labels, now, alert.fingerprint) ?? [];
  const inhibitedBy = inhibitor(alert);
  const suppressed = silencedBy.length > 0 || inhibitedBy.length > 0 || mutedBy.length > 0;
  return { state: suppressed ? 'suppressed' : 'active', silencedBy, inhibitedBy, mutedBy };
}

/** gettableAlert; `generatorURL` is omitted when empty (go-swagger `omitempty`). */
export function gettableAlert(alert: Alert, status: AlertStatus, receivers: string[]): Record<string, unknown> {
  return {
    annotations: alert.annotations,
    endsAt: formatApiTime(alert.endsAt),
    fingerprint: alert.fingerprint,
    receivers: receivers.map((name) => ({ name })),
    startsAt: formatApiTime(alert.startsAt),
    status,
    updatedAt: formatApiTime(alert.updatedAt),
    ...(alert.generatorURL ? { generatorURL: alert.generatorURL } : {}),
    labels: alert.labels,
  };
}

export interface AlertQuery {
  active: boolean;
  silenced: boolean;
  inhibited: boolean;
  muted: boolean;
  filter: Matcher[];
  receiver: CompiledRegex | null;
}

/** Parse the common query parameters; on error the 400 reply is sent and null returned. */
export function parseAlertQuery(query: Record<string, unknown>, reply: FastifyReply): AlertQuery | null {
  const flags: Partial<Record<'active' | 'silenced' | 'inhibited' | 'muted' | 'unprocessed', boolean>> = {};
  for (const name of ['active', 'silenced', 'inhibited', 'muted', 'unprocessed'] as const) {
    const v = boolParam(query[name], true);
    if (v === undefined) {
      sendJsonString(reply, 400, `${name} in query must be of type boolean: ${JSON.stringify(query[name])}`);
      return null;
    }
    flags[name] = v;
  }
  const filter: Matcher[] = [];
  try {
    for (const s of listParam(query.filter)) filter.push(parseMatcher(s));
  } catch (err) {
    sendJsonString(reply, 400, (err as Error).message);
    return null;
  }
  let receiver: CompiledRegex | null = null;
  const rx = query.receiver;
  if (typeof rx === 'string' && rx !== '') {
    try {
      receiver = compileAnchored(rx);
    } catch (err) {
      sendJsonString(reply, 400, (err as Error).message);
      return null;
    }
  }
  return {
    active: flags.active!,
    silenced: flags.silenced!,
    inhibited: flags.inhibited!,
    muted: flags.muted!,
    filter,
    receiver,
  };
}

/** The API's alert filter (api/v2 `alertFilter`): resolved alerts never pass. */
export function passesFilter(alert: Alert, status: AlertStatus, q: AlertQuery, now: number): boolean {
  return alert.endsAt > now && passesStatusFilter(status, q) && matchesAll(q.filter, alert.labels);
}

/** The state flags of the alert filter alone (`active`, `silenced`, `inhibited`, `muted`). */
export function passesStatusFilter(status: AlertStatus, q: AlertQuery): boolean {
  if (!q.active && status.state === 'active') return false;
  if (!q.silenced && status.silencedBy.length > 0) return false;
  if (!q.inhibited && status.inhibitedBy.length > 0) return false;
  if (!q.muted && status.mutedBy.length > 0) return false;
  return true;
}
