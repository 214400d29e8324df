import type { Stage } from '../pipeline.js';

/** Stage 4: drop alerts muted by an active silence. */
export const silencesStage: Stage = (ctx, alerts) => {
  const silencer = ctx.silencer;
  if (!silencer) return alerts;
  return alerts.filter((a) => silencer.mutedBy(a.labels, ctx.now).length === 0);
};
