import type { Stage } from '../pipeline.js';

/** Stage 4: drop alerts muted by an active silence. */
export const silencesStage: Stage = (ctx, alerts) => {
  const silencer = ctx.silencer;
  if (!silencer) return alerts;
  return alerts.filter((a) => {
    if (silencer.mutedBy(a.labels, ctx.now).length === 0) return true;
    if (!ctx.sendResolvedWhenSilenced || a.status !== 'resolved') return false;
    // Kept for the plan to decide per integration (notify-plan.ts).
    ctx.silencedResolved.add(a.fingerprint);
    return true;
  });
};
