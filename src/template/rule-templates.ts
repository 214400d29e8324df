/**
 * Prometheus rule templates (labels and annotations of alerting rules): the prelude, `__alert_<rule>` name,
 * missingkey=zero and the Prometheus function map. Parsed templates are cached by (rule, text).
 */

import { TemplateError } from './errors.js';
import { type ExecError, NeedAsync } from './exec.js';
import { type PromFuncContext, prometheusFuncs, STRING_MAP } from './prometheus-funcs.js';
import { TemplateSet } from './template-set.js';
import { type GoType, tag } from './values.js';

export interface RuleTemplateData {
  labels: Record<string, string>;
  value: number;
  externalLabels: Record<string, string>;
  externalURL: string;
}

export interface RuleTemplateContext {
  evalTimeMs: number;
  query?: (q: string, evalTimeMs: number) => Promise<Array<{ labels: Record<string, string>; value: number }>>;
}

const PRELUDE =
  '{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}';

const DATA_TYPE: GoType = {
  name: 'struct { Labels map[string]string; ExternalLabels map[string]string; ExternalURL string; Value interface {} }',
  kind: 'struct',
  fields: {
    Labels: (d: TemplateDataStruct) => d.Labels,
    ExternalLabels: (d: TemplateDataStruct) => d.ExternalLabels,
    ExternalURL: (d: TemplateDataStruct) => d.ExternalURL,
    Value: (d: TemplateDataStruct) => d.Value,
  },
};

interface TemplateDataStruct {
  Labels: Record<string, string>;
  ExternalLabels: Record<string, string>;
  ExternalURL: string;
  Value: number;
}

// The context of the expansion running right now; execution is synchronous, so one slot suffices.
let current: PromFuncContext = { evalTimeMs: 0, externalURL: '', resolved: new Map() };
const FUNCS = prometheusFuncs(() => current);

type Compiled = { set: TemplateSet; name: string } | { error: string; raw: string };
// rule name → text → compiled; two levels so lookups hash the (interned) rule texts, not a fresh concatenation.
const compiled = new Map<string, Map<string, Compiled>>();
let cachedCount = 0;
const CACHE_LIMIT = 20000;
// Shared by expansions that never await (most): no per-call Map.
const NOTHING_RESOLVED: PromFuncContext['resolved'] = new Map();

function compile(ruleName: string, text: string): Compiled {
  let byText = compiled.get(ruleName);
  let c = byText?.get(text);
  if (c === undefined) {
    const name = `__alert_${ruleName}`;
    try {
      const set = new TemplateSet(FUNCS, 'zero').parse(name, PRELUDE + text);
      c = { set, name };
    } catch (e) {
      if (!(e instanceof TemplateError)) throw e;
      c = { error: `error parsing template ${name}: ${e.message}`, raw: e.message };
    }
    if (cachedCount >= CACHE_LIMIT) {
      compiled.clear();
      cachedCount = 0;
      byText = undefined;
    }
    if (byText === undefined) compiled.set(ruleName, (byText = new Map()));
    byText.set(text, c);
    cachedCount++;
  }
  return c;
}

/** Parse-only check; returns Go's error text (without the "error parsing template" prefix) or null. */
export function checkRuleTemplate(ruleName: string, text: string): string | null {
  const c = compile(ruleName, text);
  return 'error' in c ? c.raw : null;
}

function dataStruct(d: RuleTemplateData): TemplateDataStruct {
  return tag(
    {
      Labels: tag(d.labels, STRING_MAP),
      ExternalLabels: tag(d.externalLabels, STRING_MAP),
      ExternalURL: d.externalURL,
      Value: d.value,
    },
    DATA_TYPE,
  );
}

/**
 * Expands one label or annotation template. Never throws: failures give `<error expanding template: ...>`.
 * Runs synchronously unless the template calls `query`; each awaited query result is cached and the
 * (deterministic) template re-executed, so the common path stays a plain function call.
 */
export async function expandRuleTemplate(
  ruleName: string,
  text: string,
  data: RuleTemplateData,
  ctx: RuleTemplateContext,
): Promise<string> {
  let c: Compiled;
  try {
    c = compile(ruleName, text);
  } catch (e) {
    // Only engine failures land here (e.g. a stack overflow on absurd nesting); rules must still evaluate.
    return `<error expanding template: ${e instanceof Error ? e.message : String(e)}>`;
  }
  if ('error' in c) return `<error expanding template: ${c.error}>`;
  const fctx: PromFuncContext = {
    evalTimeMs: ctx.evalTimeMs,
    externalURL: data.externalURL,
    resolved: NOTHING_RESOLVED,
    ...(ctx.query ? { query: ctx.query } : {}),
  };
  const value = dataStruct(data);
  for (;;) {
    const saved = current;
    current = fctx;
    try {
      return c.set.execute(c.name, value);
    } catch (e) {
      if (e instanceof NeedAsync) {
        current = saved;
        if (fctx.resolved === NOTHING_RESOLVED) fctx.resolved = new Map();
        try {
          fctx.resolved.set(e.key, { ok: true, value: await e.promise });
        } catch (err) {
          fctx.resolved.set(e.key, { ok: false, error: err instanceof Error ? err : new Error(String(err)) });
        }
        continue;
      }
      if (e instanceof TemplateError)
        return `<error expanding template: error executing template ${c.name}: ${(e as ExecError).message}>`;
      return `<error expanding template: ${e instanceof Error ? e.message : String(e)}>`;
    } finally {
      current = saved;
    }
  }
}

/** Synchronous expansion for templates that do not call `query` (used by benchmarks and the CLI). */
export function expandRuleTemplateSync(ruleName: string, text: string, data: RuleTemplateData, evalTimeMs: number) {
  const c = compile(ruleName, text);
  if ('error' in c) return `<error expanding template: ${c.error}>`;
  const saved = current;
  current = { evalTimeMs, externalURL: data.externalURL, resolved: NOTHING_RESOLVED };
  try {
    return c.set.execute(c.name, dataStruct(data));
  } catch (e) {
    if (e instanceof TemplateError)
      return `<error expanding template: error executing template ${c.name}: ${e.message}>`;
    return `<error expanding template: ${e instanceof Error ? e.message : String(e)}>`;
  } finally {
    current = saved;
  }
}
