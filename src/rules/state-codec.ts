import type { GroupState } from './group.js';
import type { ActiveAlert, AlertingRuleState, RecordedSample, RuleState } from './types.js';

/**
 * Field layout of a group's state hash: `ts`, `group` (health), `r:<ruleKey>` (rule health, recording result),
 * `a:<ruleKey>:<fingerprint>` (one alert), `m:<metaRule>` (built-in meta-alert rule with its alerts).
 * Sample values are strings because JSON has no NaN or ±Inf.
 */
type Encoded<T> = Omit<T, 'value'> & { value: string };

function encodeAlert(a: ActiveAlert): string {
  const e: Encoded<ActiveAlert> = { ...a, value: String(a.value) };
  return JSON.stringify(e);
}

function decodeAlert(s: string): ActiveAlert {
  const e = JSON.parse(s) as Encoded<ActiveAlert>;
  return { ...e, value: Number(e.value) };
}

function encodeSamples(samples: RecordedSample[]): Encoded<RecordedSample>[] {
  return samples.map((s) => ({ labels: s.labels, value: String(s.value) }));
}

function decodeSamples(samples: Encoded<RecordedSample>[]): RecordedSample[] {
  return samples.map((s) => ({ labels: s.labels, value: Number(s.value) }));
}

function encodeMeta(m: AlertingRuleState): string {
  const alerts: Record<string, Encoded<ActiveAlert>> = {};
  for (const [fp, a] of Object.entries(m.alerts)) alerts[fp] = { ...a, value: String(a.value) };
  return JSON.stringify({ ...m, alerts });
}

function decodeMeta(s: string): AlertingRuleState {
  const m = JSON.parse(s) as Omit<AlertingRuleState, 'alerts'> & { alerts: Record<string, Encoded<ActiveAlert>> };
  const alerts: Record<string, ActiveAlert> = {};
  for (const [fp, a] of Object.entries(m.alerts)) alerts[fp] = { ...a, value: Number(a.value) };
  return { ...m, alerts };
}

/** Flat field/value list for the save script (without `ts`, which is the fencing argument). */
export function encodeGroupState(state: GroupState): string[] {
  const out: string[] = [
    'group',
    JSON.stringify({ evaluationTimeMs: state.evaluationTimeMs, lastError: state.lastError }),
  ];
  for (const [key, rule] of Object.entries(state.rules)) {
    if (rule.kind === 'alerting') {
      const { alerts, ...status } = rule;
      out.push(`r:${key}`, JSON.stringify(status));
      for (const [fp, a] of Object.entries(alerts)) out.push(`a:${key}:${fp}`, encodeAlert(a));
    } else {
      out.push(`r:${key}`, JSON.stringify({ ...rule, lastResult: encodeSamples(rule.lastResult) }));
    }
  }
  for (const [name, m] of Object.entries(state.meta)) out.push(`m:${name}`, encodeMeta(m));
  return out;
}

/** Inverse of encodeGroupState over HGETALL's result; alerts keep their insertion order. */
export function decodeGroupState(hash: Record<string, string>): GroupState {
  const state: GroupState = { ts: Number(hash.ts ?? 0), evaluationTimeMs: 0, lastError: '', rules: {}, meta: {} };
  if (hash.group) Object.assign(state, JSON.parse(hash.group));
  for (const [field, value] of Object.entries(hash)) {
    if (field.startsWith('r:')) {
      const rule = JSON.parse(value) as RuleState;
      if (rule.kind === 'alerting') state.rules[field.slice(2)] = { ...rule, alerts: {} };
      else {
        const lastResult = decodeSamples(rule.lastResult as unknown as Encoded<RecordedSample>[]);
        state.rules[field.slice(2)] = { ...rule, lastResult };
      }
    } else if (field.startsWith('m:')) {
      state.meta[field.slice(2)] = decodeMeta(value);
    }
  }
  for (const [field, value] of Object.entries(hash)) {
    if (!field.startsWith('a:')) continue;
    const [, key, fp] = field.split(':') as [string, string, string];
    const rule = state.rules[key];
    if (rule?.kind === 'alerting') rule.alerts[fp] = decodeAlert(value);
  }
  return state;
}
