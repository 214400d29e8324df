import { InhibitIndex } from '../../inhibit/inhibitor.js';
import type { Stage } from '../pipeline.js';

/** Stage 1: drop inhibited alerts; sources are searched among all stored alerts (SEMANTICS §4.6). */
export const inhibitStage: Stage = async (ctx, alerts) => {
  const rules = ctx.config.inhibitRules;
  if (rules.length === 0) return alerts;
  const sources = (await ctx.storedAlerts()).map((a) => ({
    labels: a.labels,
    fingerprint: a.fingerprint,
    resolved: a.endsAt <= ctx.now,
  }));
  const index = new InhibitIndex(rules, sources);
  return alerts.filter((a) => index.inhibitedBy(a).length === 0);
};
