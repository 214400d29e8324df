/** The Prometheus template function map (template/template.go), bound to a per-expansion context. */

import { compareBytes } from '../labels/labels.js';
import { DurationError, parseDuration } from '../time/duration.js';
import { queryEscape } from './escape.js';
import { type FuncMap, NeedAsync } from './exec.js';
import { formatFloat, formatFloatV } from './floatfmt.js';
import { GoTime, timeString, UTC } from './gotime.js';
import { convertToFloat, humanize, humanize1024, humanizeDuration, humanizePercentage } from './humanize.js';
import { matchString, replaceAllString } from './regex.js';
import { stripDomain, stripPort, titleCase, toLowerGo, toUpperGo } from './textfuncs.js';
import { type Dyn, type GoFunc, GoNum, GoStr, type GoType, HTML_TYPE, tag } from './values.js';

export interface QuerySample {
  labels: Record<string, string>;
  value: number;
}

/** What the functions need from the expansion in progress. */
export interface PromFuncContext {
  evalTimeMs: number;
  externalURL: string;
  query?: (q: string, evalTimeMs: number) => Promise<QuerySample[]>;
  /** Results of async calls already awaited in this expansion, by key. */
  resolved: Map<string, { ok: true; value: unknown } | { ok: false; error: Error }>;
}

export const STRING_MAP: GoType = { name: 'map[string]string', kind: 'map', elem: 'string' };
const SAMPLE_TYPE: GoType = {
  name: '*template.sample',
  kind: 'ptr',
  fields: { Labels: (s: Sample) => s.Labels, Value: (s: Sample) => s.Value },
};
const QUERY_RESULT: GoType = { name: 'template.queryResult', kind: 'slice', elem: '*template.sample' };

interface Sample {
  Labels: Record<string, string>;
  Value: number;
}

const sample = (q: QuerySample): Sample => tag({ Labels: tag(q.labels, STRING_MAP), Value: q.value }, SAMPLE_TYPE);

const errNaNOrInf = 'value is NaN or Inf';

/** floatToTime: seconds → a UTC time at millisecond precision (model.TimeFromUnixNano). */
export function floatToTime(v: number): GoTime {
  if (!Number.isFinite(v)) throw new Error(errNaNOrInf);
  const ns = v * 1e9;
  if (ns > 2 ** 63 || ns < -(2 ** 63))
    throw new Error(`${formatFloatV(v)} cannot be represented as a nanoseconds timestamp since it overflows int64`);
  const ms = Math.trunc(ns / 1e6);
  return new GoTime(ms === 0 ? 0 : ms, 0, UTC);
}

const I = 'interface {}';
const f = (params: string[], fn: (...a: Dyn[]) => unknown, variadic?: string): GoFunc =>
  variadic === undefined ? { params, fn } : { params, variadic, fn };

export const graphLink = (expr: string) => `/graph?g0.expr=${queryEscape(expr)}&g0.tab=0`;
export const tableLink = (expr: string) => `/graph?g0.expr=${queryEscape(expr)}&g0.tab=1`;

/** Builds the function map; `ctx()` returns the context of the expansion currently running. */
export function prometheusFuncs(ctx: () => PromFuncContext): FuncMap {
  return {
    query: f(['string'], (q: string) => {
      const c = ctx();
      const key = `query\0${q}`;
      const done = c.resolved.get(key);
      if (done !== undefined) {
        if (!done.ok) throw done.error;
        return done.value;
      }
      if (c.query === undefined) throw new Error('no query function available');
      const p = c.query(q, c.evalTimeMs).then((rows) => tag(rows.map(sample), QUERY_RESULT));
      throw new NeedAsync(key, p);
    }),
    first: f(['template.queryResult'], (v: Sample[]) => {
      if (v.length > 0) return v[0];
      throw new Error('first() called on vector with no elements');
    }),
    label: f(['string', '*template.sample'], (l: string, s: Sample | null) => s?.Labels[l] ?? ''),
    value: f(['*template.sample'], (s: Sample) => s.Value),
    strvalue: f(['*template.sample'], (s: Sample) => s.Labels['__value__'] ?? ''),
    args: f([], (...a: unknown[]) => Object.fromEntries(a.map((v, i) => [`arg${i}`, v])), I),
    reReplaceAll: f(['string', 'string', 'string'], replaceAllString),
    safeHtml: f(['string'], (t: string) => new GoStr(HTML_TYPE, t)),
    match: f(['string', 'string'], matchString),
    title: f(['string'], (s: string) => titleCase(s, false)),
    toUpper: f(['string'], toUpperGo),
    toLower: f(['string'], toLowerGo),
    graphLink: f(['string'], graphLink),
    tableLink: f(['string'], tableLink),
    sortByLabel: f(['string', 'template.queryResult'], (l: string, v: Sample[]) => {
      const sorted = [...v].sort((a, b) => compareBytes(a.Labels[l] ?? '', b.Labels[l] ?? ''));
      return tag(sorted, QUERY_RESULT);
    }),
    humanize: f([I], (v) => humanize(convertToFloat(v))),
    humanize1024: f([I], (v) => humanize1024(convertToFloat(v))),
    humanizeDuration: f([I], (v) => humanizeDuration(convertToFloat(v))),
    humanizePercentage: f([I], (v) => humanizePercentage(convertToFloat(v))),
    humanizeTimestamp: f([I], (v) => {
      const x = convertToFloat(v);
      if (!Number.isFinite(x)) return formatFloat(x, 'g', 4);
      return timeString(floatToTime(x));
    }),
    toTime: f([I], (v) => floatToTime(convertToFloat(v))),
    toDuration: f([I], (v) => new GoNum('*time.Duration', BigInt(Math.trunc(convertToFloat(v) * 1e9)))),
    now: f([], () => ctx().evalTimeMs / 1000),
    pathPrefix: f([], () => urlPath(ctx().externalURL)),
    externalURL: f([], () => ctx().externalURL),
    parseDuration: f(['string'], (d: string) => {
      const neg = d.startsWith('-');
      try {
        const ms = parseDuration(neg ? d.slice(1) : d);
        return neg ? -ms / 1000 : ms / 1000;
      } catch (e) {
        if (e instanceof DurationError && neg) throw new Error(e.message.replace(`"${d.slice(1)}"`, `"${d}"`));
        throw e;
      }
    }),
    stripPort: f(['string'], stripPort),
    stripDomain: f(['string'], stripDomain),
    urlQueryEscape: f(['string'], queryEscape),
    tmpl: f(['string', I], () => {
      throw new Error('tmpl is only available in console templates');
    }),
  };
}

function urlPath(u: string): string {
  try {
    return new URL(u).pathname.replace(/^\/$/, u.endsWith('/') ? '/' : '');
  } catch {
    return '';
  }
}
