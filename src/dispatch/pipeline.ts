import type { Alert } from '../alerts/types.js';
import type { AlertmanagerConfig, RouteConfig } from '../config/alertmanager/types.js';
import type { Labels } from '../labels/labels.js';
import type { AlertSnapshot } from '../notify/types.js';
import { sortAlerts } from './sort.js';

/** What the router needs from the silences component (SEMANTICS §6). */
export interface Silencer {
  /** Ids of the active silences muting `labels` at `now`. */
  mutedBy(labels: Labels, now: number): string[];
}

/** Everything a flush stage may look at. Stages never read the clock: `now` is the flush time. */
export interface FlushContext {
  now: number;
  groupId: string;
  groupKey: string;
  groupLabels: Labels;
  route: RouteConfig;
  config: AlertmanagerConfig;
  silencer: Silencer | undefined;
  /**
   * SEMANTICS §9 row 9, opt-in: resolved alerts muted by a silence still reach integrations that were told
   * they were firing, so a paged incident gets closed. The silences stage collects them in `silencedResolved`.
   */
  sendResolvedWhenSilenced: boolean;
  silencedResolved: Set<string>;
  /** All stored alerts (inhibition sources are searched among all of them, SEMANTICS §4.6). */
  storedAlerts(): Promise<Alert[]>;
}

/** One step of a flush (ARCHITECTURE "pipeline of small stages"): returns the alerts that go on. */
export type Stage = (ctx: FlushContext, alerts: AlertSnapshot[]) => Promise<AlertSnapshot[]> | AlertSnapshot[];

/** Flush snapshot (SEMANTICS §5.4): resolved judged at `now`, firing alerts' endsAt zeroed, sorted. */
export function snapshotAlerts(alerts: Alert[], now: number): AlertSnapshot[] {
  return sortAlerts(
    alerts.map((a) => {
      const resolved = a.endsAt <= now;
      return {
        status: resolved ? 'resolved' : 'firing',
        labels: a.labels,
        annotations: a.annotations,
        startsAt: a.startsAt,
        endsAt: resolved ? a.endsAt : 0,
        updatedAt: a.updatedAt,
        generatorURL: a.generatorURL,
        fingerprint: a.fingerprint,
      } satisfies AlertSnapshot;
    }),
  );
}

/** Run the filtering stages in order; a stage that leaves nothing ends the pipeline (SEMANTICS §5.5). */
export async function runStages(ctx: FlushContext, stages: Stage[], alerts: AlertSnapshot[]): Promise<AlertSnapshot[]> {
  let current = alerts;
  for (const stage of stages) {
    if (current.length === 0) break;
    current = await stage(ctx, current);
  }
  return current;
}
