import type { Labels } from '../labels/labels.js';
import { type NameValidationScheme, validLabelName } from '../labels/matcher.js';
import { fastFingerprint } from './fingerprint.js';
import type { Alert, PostableAlert } from './types.js';

/** How label and annotation names are validated (SEMANTICS §0.2). */
export type NameValidation = NameValidationScheme;

/** prometheus/common LabelSet.Validate: the first bad name or value, in Go's `%q` form. */
function validateSet(set: Record<string, string>, mode: NameValidation): string | null {
  for (const name in set) {
    const value = set[name]!;
    if (!validLabelName(name, mode)) return `invalid name ${JSON.stringify(name)}`;
    if (!value.isWellFormed()) return `invalid value ${JSON.stringify(value)}`;
  }
  return null;
}

function withoutEmptyValues(labels: Labels): Labels {
  const out: Labels = {};
  for (const name in labels) {
    const value = labels[name]!;
    if (value !== '') out[name] = value;
  }
  return out;
}

/** `firing`: whether the alert, with its defaults, ends after now (Alertmanager counts received alerts by it). */
export type NormalizeResult = { ok: true; alert: Alert } | { ok: false; error: string; firing: boolean };

/**
 * Defaults and validation of one posted alert, as Alertmanager's API does it (SEMANTICS §5.1):
 * updatedAt = now, startsAt from endsAt or now, endsAt from resolve_timeout (marked `timeout`),
 * empty-valued labels removed, then `types.Alert.Validate` with its messages.
 */
export function normalizeAlert(
  posted: PostableAlert,
  now: number,
  resolveTimeoutMs: number,
  names: NameValidation,
): NormalizeResult {
  const labels = withoutEmptyValues(posted.labels ?? {});
  const annotations = posted.annotations ?? {};
  let startsAt = posted.startsAt ?? 0;
  let endsAt = posted.endsAt ?? 0;
  if (!startsAt) startsAt = endsAt || now;
  let timeout = false;
  if (!endsAt) {
    timeout = true;
    endsAt = now + resolveTimeoutMs;
  }
  const invalid = (error: string): NormalizeResult => ({ ok: false, error, firing: endsAt > now });
  if (endsAt < startsAt) return invalid('start time must be before end time');
  const labelProblem = validateSet(labels, names);
  if (labelProblem) return invalid(`invalid label set: ${labelProblem}`);
  if (Object.keys(labels).length === 0) return invalid('at least one label pair required');
  const annotationProblem = validateSet(annotations, names);
  if (annotationProblem) return invalid(`invalid annotations: ${annotationProblem}`);
  return {
    ok: true,
    alert: {
      labels,
      annotations: { ...annotations },
      startsAt,
      endsAt,
      updatedAt: now,
      generatorURL: posted.generatorURL ?? '',
      fingerprint: fastFingerprint(labels),
      timeout,
    },
  };
}
