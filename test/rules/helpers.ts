import type { AlertingEvalOptions, AlertingRuleSpec } from '../../src/rules/alerting.js';
import type { QueryOutcome, RuleTemplateData } from '../../src/rules/types.js';

/** A tiny stand-in for the template engine: `{{ $labels.x }}`, `{{ $value }}`, `{{ $externalLabels.x }}`. */
export async function fakeExpand(_rule: string, text: string, data: RuleTemplateData): Promise<string> {
  return text
    .replace(/\{\{\s*\$labels\.(\w+)\s*\}\}/g, (_m, n: string) => data.labels[n] ?? '')
    .replace(/\{\{\s*\$externalLabels\.(\w+)\s*\}\}/g, (_m, n: string) => data.externalLabels[n] ?? '')
    .replace(/\{\{\s*\$value\s*\}\}/g, () => String(data.value));
}

export const MIN = 60_000;
export const T0 = 1_800_000_000_000;

export function opts(over: Partial<AlertingEvalOptions> = {}): AlertingEvalOptions {
  return {
    resendDelayMs: MIN,
    externalLabels: {},
    externalURL: 'http://klaxon.example',
    expand: fakeExpand,
    onQueryError: 'keep',
    ...over,
  };
}

export function rule(over: Partial<AlertingRuleSpec> = {}): AlertingRuleSpec {
  return { name: 'HighLoad', expr: 'load > 1', forMs: 0, keepFiringForMs: 0, labels: {}, annotations: {}, ...over };
}

export function samples(...list: [Record<string, string>, number][]): QueryOutcome {
  return { ok: true, samples: list.map(([labels, value]) => ({ labels, value })), warnings: [] };
}

export const none: QueryOutcome = { ok: true, samples: [], warnings: [] };
