/**
 * gettableAlert JSON for `GET /api/v2/alerts`, written directly instead of building objects for
 * JSON.stringify: the bytes are exactly `JSON.stringify(gettableAlert(alert, status, receivers))`.
 * Everything but the status depends only on the stored alert (and the route tree, for receivers), so it is
 * rendered once per alert version and kept per fingerprint across requests. Parts are UTF-8 buffers: a body of
 * 10,000 alerts (tens of MB when many silences match) is then one copy, not a string to flatten and encode.
 */
import type { Alert } from '../../alerts/types.js';
import type { AlertStatus } from './alert-view.js';
import { formatApiTime } from './wire.js';

/** The status-independent parts of one alert, in gettableAlert's key order around `receivers` and `status`. */
export interface AlertFragments {
  fingerprint: string;
  receivers: string[];
  /** `{"annotations":…,"endsAt":…,"fingerprint":…,"receivers":[…],"startsAt":…,"status":` */
  head: Buffer;
  /** `,"updatedAt":…[,"generatorURL":…],"labels":…}` */
  tail: Buffer;
}

interface Entry extends AlertFragments {
  alert: Alert;
  routes: unknown;
  seen: number;
}

function sameStrings(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    const k = ka[i]!;
    if (k !== kb[i] || a[k] !== b[k]) return false;
  }
  return true;
}

/** Whether everything the fragments show is unchanged (labels are implied by the fingerprint). */
function sameVersion(a: Alert, b: Alert): boolean {
  return (
    a.startsAt === b.startsAt &&
    a.endsAt === b.endsAt &&
    a.updatedAt === b.updatedAt &&
    a.generatorURL === b.generatorURL &&
    sameStrings(a.annotations, b.annotations)
  );
}

function receiversJson(receivers: string[]): string {
  let out = '[';
  for (let i = 0; i < receivers.length; i++) out += `${i > 0 ? ',' : ''}{"name":${JSON.stringify(receivers[i])}}`;
  return `${out}]`;
}

/**
 * Per-instance cache of alert fragments by fingerprint. `routes` identifies the route tree the receivers were
 * computed from (the loaded config object); a reload recomputes them. Fingerprints not seen for a while are
 * dropped so resolved alerts do not accumulate.
 */
export class AlertFragmentCache {
  private readonly entries = new Map<string, Entry>();
  private request = 0;

  /** Call once per request, before `get`. */
  begin(): void {
    this.request++;
  }

  get(alert: Alert, routes: unknown, receiversOf: (alert: Alert) => string[]): AlertFragments {
    let e = this.entries.get(alert.fingerprint);
    if (e === undefined || e.routes !== routes) {
      const receivers = receiversOf(alert);
      e = { ...render(alert, receivers), alert, routes, seen: this.request };
      this.entries.set(alert.fingerprint, e);
    } else if (!sameVersion(e.alert, alert)) {
      Object.assign(e, render(alert, e.receivers), { alert });
    }
    e.seen = this.request;
    return e;
  }

  /** Call after a request that visited all `live` alerts: forget the rest when they clearly outnumber them. */
  prune(live: number): void {
    if (this.entries.size <= 2 * live + 1024) return;
    for (const [fp, e] of this.entries) if (e.seen !== this.request) this.entries.delete(fp);
  }
}

function render(alert: Alert, receivers: string[]): AlertFragments {
  const fp = JSON.stringify(alert.fingerprint);
  return {
    fingerprint: alert.fingerprint,
    receivers,
    head: Buffer.from(
      `{"annotations":${JSON.stringify(alert.annotations)},"endsAt":"${formatApiTime(alert.endsAt)}",` +
        `"fingerprint":${fp},"receivers":${receiversJson(receivers)},"startsAt":"${formatApiTime(alert.startsAt)}",` +
        '"status":',
    ),
    tail: Buffer.from(
      `,"updatedAt":"${formatApiTime(alert.updatedAt)}"` +
        (alert.generatorURL ? `,"generatorURL":${JSON.stringify(alert.generatorURL)}` : '') +
        `,"labels":${JSON.stringify(alert.labels)}}`,
    ),
  };
}

// The silence cache hands out the same (never modified) id array while its answer holds, and thousands of alerts
// often share one, so its JSON is kept per array.
const silencedByJson = new WeakMap<string[], Buffer>();
const EMPTY_LIST = Buffer.from('[]');

function idsJson(ids: string[]): Buffer {
  if (ids.length === 0) return EMPTY_LIST;
  let json = silencedByJson.get(ids);
  if (json === undefined) {
    json = Buffer.from(JSON.stringify(ids));
    silencedByJson.set(ids, json);
  }
  return json;
}

const STATE_PREFIX = {
  active: Buffer.from('{"state":"active","silencedBy":'),
  suppressed: Buffer.from('{"state":"suppressed","silencedBy":'),
  unprocessed: Buffer.from('{"state":"unprocessed","silencedBy":'),
};
const NOT_INHIBITED_NOR_MUTED = Buffer.from(',"inhibitedBy":[],"mutedBy":[]}');

/** Append one gettableAlert (the cached fragments around the request's status) to `out`; returns its length. */
export function appendAlertJson(out: Buffer[], f: AlertFragments, status: AlertStatus): number {
  const silenced = idsJson(status.silencedBy);
  const rest =
    status.inhibitedBy.length === 0 && status.mutedBy.length === 0
      ? NOT_INHIBITED_NOR_MUTED
      : Buffer.from(
          `,"inhibitedBy":${JSON.stringify(status.inhibitedBy)},"mutedBy":${JSON.stringify(status.mutedBy)}}`,
        );
  const prefix = STATE_PREFIX[status.state];
  out.push(f.head, prefix, silenced, rest, f.tail);
  return f.head.length + prefix.length + silenced.length + rest.length + f.tail.length;
}
