import type { AlertmanagerConfig } from '../../config/alertmanager/types.js';
import { isInTimeInterval } from '../../time/intervals.js';
import type { Stage } from '../pipeline.js';

/** Names among `names` whose interval contains `now`. */
export function intervalsContaining(config: AlertmanagerConfig, names: readonly string[], now: number): string[] {
  return names.filter((name) => isInTimeInterval(config.timeIntervals.get(name) ?? [], now));
}

/** Stage 2: a route with active_time_intervals, none of which contains now, drops the whole flush. */
export const activeIntervalsStage: Stage = (ctx, alerts) => {
  const names = ctx.route.activeTimeIntervals;
  if (names.length === 0) return alerts;
  return intervalsContaining(ctx.config, names, ctx.now).length > 0 ? alerts : [];
};

/** Stage 3: a route muted by any of its mute_time_intervals drops the whole flush. */
export const muteIntervalsStage: Stage = (ctx, alerts) => {
  const names = ctx.route.muteTimeIntervals;
  if (names.length === 0) return alerts;
  return intervalsContaining(ctx.config, names, ctx.now).length > 0 ? [] : alerts;
};
