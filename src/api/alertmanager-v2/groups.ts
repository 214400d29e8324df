/** `GET /api/v2/alerts/groups` (SEMANTICS §7.1): aggregation groups with their filtered alerts. */
import type { FastifyInstance } from 'fastify';
import type { Alert } from '../../alerts/types.js';
import type { RouteConfig } from '../../config/alertmanager/types.js';
import { compareAlertLabels, compareLabelSets } from '../../dispatch/sort.js';
import { intervalsContaining } from '../../dispatch/stages/time-intervals.js';
import type { Labels } from '../../labels/labels.js';
import {
  type AlertStatus,
  type AlertsBackend,
  alertStatus,
  gettableAlert,
  parseAlertQuery,
  passesFilter,
} from './alert-view.js';

/** Names of the route's time intervals that mute it now (mute intervals containing now, or inactive active ones). */
function routeMutedBy(backend: AlertsBackend, route: RouteConfig, now: number): string[] {
  const config = backend.config();
  const muted = intervalsContaining(config, route.muteTimeIntervals, now);
  if (
    route.activeTimeIntervals.length > 0 &&
    intervalsContaining(config, route.activeTimeIntervals, now).length === 0
  ) {
    muted.push(...route.activeTimeIntervals);
  }
  return muted;
}

interface GroupView {
  labels: Labels;
  routeLabels: Labels;
  receiver: string;
  alerts: { alert: Alert; status: AlertStatus }[];
}

export function registerAlertGroupsRoute(app: FastifyInstance, backend: AlertsBackend): void {
  app.get('/api/v2/alerts/groups', async (req, reply) => {
    const query = parseAlertQuery(req.query as Record<string, unknown>, reply);
    if (!query) return reply;
    const now = backend.now();
    const groups = await backend.groups();
    const stored = await backend.alertsByFingerprint([...new Set(groups.flatMap((g) => [...g.members.keys()]))]);
    const inhibitor = backend.inhibitor(await backend.unresolvedAlerts(now), now);
    const views: GroupView[] = [];
    const receiversOf = new Map<string, string[]>();
    for (const group of groups) {
      const route = backend.routeById(group.routeId);
      if (!route) continue;
      if (query.receiver && !query.receiver.test(route.receiver)) continue;
      const mutedBy = routeMutedBy(backend, route, now);
      const view: GroupView = { labels: group.labels, routeLabels: route.labels, receiver: route.receiver, alerts: [] };
      for (const fp of group.members.keys()) {
        const alert = stored.get(fp);
        if (!alert) continue;
        const status = alertStatus(backend, alert, inhibitor, now, mutedBy);
        if (!passesFilter(alert, status, query, now)) continue;
        receiversOf.set(fp, [...(receiversOf.get(fp) ?? []), route.receiver]);
        view.alerts.push({ alert, status });
      }
      if (view.alerts.length > 0) views.push(view);
    }
    views.sort(
      (a, b) =>
        compareLabelSets(a.labels, b.labels) || (a.receiver < b.receiver ? -1 : a.receiver > b.receiver ? 1 : 0),
    );
    return reply.code(200).send(
      views.map((v) => ({
        alerts: v.alerts
          .sort((x, y) => compareAlertLabels(x.alert.labels, y.alert.labels))
          .map(({ alert, status }) => gettableAlert(alert, status, receiversOf.get(alert.fingerprint) ?? [])),
        labels: v.labels,
        receiver: { name: v.receiver },
        routeLabels: v.routeLabels,
      })),
    );
  });
}
