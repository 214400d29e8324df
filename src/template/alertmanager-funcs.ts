/** Alertmanager's template function map (template/template.go DefaultFuncs, v0.34). */
import { IFACE_SLICE, STRING_SLICE, type TemplateData } from './alertmanager-data.js';
import { queryUnescape } from './escape.js';
import type { FuncMap } from './exec.js';
import { formatTime, GoTime, loadLocation, type Zone, zeroTime } from './gotime.js';
import { parseTime } from './gotime-parse.js';
import { convertToFloat, humanizeDuration } from './humanize.js';
import { matchString, replaceAllString } from './regex.js';
import { titleCase, toLowerGo, toUpperGo } from './textfuncs.js';
import { toJson } from './tojson.js';
import { type Dyn, type GoFunc, GoNum, GoStr, HTML_TYPE, tag, URL_TYPE } from './values.js';

/** What the functions need from the render in progress. */
export interface AmFuncContext {
  now: Date;
  data: TemplateData | null;
  routeLabelsRendered: boolean;
  /** Renders a route label value as a template with the current data. */
  renderRouteLabel: (text: string) => string;
  routeStack: string[];
}

const I = 'interface {}';
const f = (params: string[], fn: (...a: Dyn[]) => unknown, variadic?: string): GoFunc =>
  variadic === undefined ? { params, fn } : { params, variadic, fn };

const B64_URL = /^[A-Za-z0-9_-]*={0,2}$/;

function base64decode(s: string): string {
  for (let i = 0; i < s.length; i++) {
    if (!/[A-Za-z0-9_=-]/.test(s[i]!)) throw new Error(`illegal base64 data at input byte ${i}`);
  }
  if (s.length % 4 !== 0 || !B64_URL.test(s))
    throw new Error(`illegal base64 data at input byte ${s.length - (s.length % 4 || 4)}`);
  return Buffer.from(s, 'base64url').toString('utf8');
}

export function alertmanagerFuncs(ctx: () => AmFuncContext): FuncMap {
  return {
    toUpper: f(['string'], toUpperGo),
    toLower: f(['string'], toLowerGo),
    title: f(['string'], (s: string) => titleCase(s, true)),
    trimSpace: f(['string'], (s: string) => s.replace(/^[\s\u0085\u00a0]+|[\s\u0085\u00a0]+$/gu, '')),
    join: f(['string', '[]string'], (sep: string, s: string[] | null) => (s ?? []).join(sep)),
    match: f(['string', 'string'], matchString),
    safeHtml: f(['string'], (t: string) => new GoStr(HTML_TYPE, t)),
    safeUrl: f(['string'], (t: string) => new GoStr(URL_TYPE, t)),
    urlUnescape: f(['string'], queryUnescape),
    reReplaceAll: f(['string', 'string', 'string'], replaceAllString),
    stringSlice: f([], (...s: string[]) => tag(s, STRING_SLICE), 'string'),
    date: f(['string', 'time.Time'], (layout: string, t: GoTime) => formatTime(t, layout)),
    tz: f(['string', 'time.Time'], (name: string, t: GoTime) => {
      const z: Zone = loadLocation(name);
      return new GoTime(t.ms, t.nsRem, z);
    }),
    now: f([], () => GoTime.fromDate(ctx().now)),
    since: f(['time.Time'], (t: GoTime) => {
      const now = BigInt(ctx().now.getTime()) * 1_000_000n;
      return new GoNum('time.Duration', now - t.unixNano());
    }),
    humanizeDuration: f([I], (v) => humanizeDuration(convertToFloat(v))),
    toDate: f(['string', 'string'], (layout: string, s: string) => {
      try {
        return parseTime(layout, s);
      } catch {
        return zeroTime();
      }
    }),
    mustToDate: f(['string', 'string'], parseTime),
    toJson: f([I], toJson),
    base64encode: f(['string'], (s: string) =>
      Buffer.from(s)
        .toString('base64url')
        .padEnd(Math.ceil(Buffer.byteLength(s) / 3) * 4, '='),
    ),
    base64decode: f(['string'], base64decode),
    list: f([], (...a: unknown[]) => tag(a, IFACE_SLICE), I),
    append: f(['[]interface {}'], (l: unknown[] | null, ...v: unknown[]) => tag([...(l ?? []), ...v], IFACE_SLICE), I),
    dict: f(
      [],
      (...kv: unknown[]) => {
        if (kv.length % 2 !== 0) throw new Error('dict requires an even number of arguments');
        const out: Record<string, unknown> = {};
        for (let i = 0; i < kv.length; i += 2) {
          const k = kv[i];
          if (typeof k !== 'string') throw new Error('dict keys must be strings');
          out[k] = kv[i + 1];
        }
        return out;
      },
      I,
    ),
    routeLabels: f(['string'], (name: string) => {
      const c = ctx();
      const value = c.data?.RouteLabels[name] ?? '';
      if (c.routeLabelsRendered) return value;
      if (c.routeStack.includes(name)) {
        throw new Error(
          `route label cycle detected: ${[...c.routeStack.slice(c.routeStack.indexOf(name)), name].join(' -> ')}`,
        );
      }
      c.routeStack.push(name);
      try {
        return c.renderRouteLabel(value);
      } finally {
        c.routeStack.pop();
      }
    }),
  };
}
