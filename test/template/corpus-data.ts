/** Decodes the typed JSON of /work/shared/corpus/templates/cases.json into template values (see its README). */
import { fingerprint } from '../../src/labels/labels.js';
import { kv_, STRING_SLICE } from '../../src/template/alertmanager-data.js';
import { GoTime, UTC } from '../../src/template/gotime.js';
import { parseGoDuration } from '../../src/template/gotime-parse.js';
import type { NotificationData } from '../../src/template/notification-templates.js';
import { STRING_MAP } from '../../src/template/prometheus-funcs.js';
import { quoteMeta } from '../../src/template/regex.js';
import type { RuleTemplateData } from '../../src/template/rule-templates.js';
import { GoFuncValue, GoNilPtr, GoNum, GoStr, type GoType, HTML_TYPE, tag } from '../../src/template/values.js';

// biome-ignore lint/suspicious/noExplicitAny: corpus JSON is untyped
type Json = any;

export const CASES_FILE = '/work/shared/corpus/templates/cases.json';

export interface Case {
  name: string;
  feature: string;
  mode: 'go' | 'prometheus' | 'alertmanager' | 'alertmanager-html';
  template: string;
  data: Json;
  options?: string[];
  extra_parse?: string[];
  now?: string;
  expected: { output: string; error: string | null; error_kind: string | null; annotation?: string };
}

export function specialFloat(x: unknown): number {
  if (x === 'NaN') return Number.NaN;
  if (x === '+Inf') return Number.POSITIVE_INFINITY;
  if (x === '-Inf') return Number.NEGATIVE_INFINITY;
  if (x === '-0') return -0;
  return Number(x);
}

const SERVER: GoType = {
  name: '*main.Server',
  kind: 'ptr',
  fields: {
    Name: (s) => s.Name,
    Port: (s) => s.Port,
    Up: (s) => s.Up,
    Tags: (s) => s.Tags,
    Labels: (s) => s.Labels,
    Parent: (s) => s.Parent,
  },
  methods: {
    Addr: { params: [], fn: (s) => `${s.Name}:${s.Port}` },
    HasTag: { params: ['string'], fn: (s, t: string) => (s.Tags ?? []).includes(t) },
    Greet: { params: ['string', 'int'], fn: (s, g: string, n: bigint) => `${g} `.repeat(Number(n)) + s.Name },
    Check: {
      params: [],
      fn: (s) => {
        throw new Error(`server ${s.Name} is unreachable`);
      },
    },
  },
};

function server(d: Json): unknown {
  return tag(
    {
      Name: d.Name ?? '',
      Port: BigInt(d.Port ?? 0),
      Up: d.Up ?? false,
      Tags: d.Tags ? tag([...d.Tags], STRING_SLICE) : null,
      Labels: d.Labels ? tag({ ...d.Labels }, STRING_MAP) : null,
      Parent: d.Parent ? server(d.Parent) : new GoNilPtr(SERVER),
    },
    SERVER,
  );
}

const FUNCS: Record<string, GoFuncValue> = {
  add: new GoFuncValue('func(int, int) int', { params: ['int', 'int'], fn: (a: bigint, b: bigint) => a + b }),
  hello: new GoFuncValue('func() string', { params: [], fn: () => 'hello' }),
  fails: new GoFuncValue('func() (string, error)', {
    params: [],
    fn: () => {
      throw new Error('func failed');
    },
  }),
  upper: new GoFuncValue('func(string) string', { params: ['string'], fn: (s: string) => s.toUpperCase() }),
};

export function parseTime(s: string): GoTime {
  const d = new Date(s);
  const m = /([+-])(\d\d):(\d\d)$/.exec(s);
  const frac = /\.(\d+)/.exec(s)?.[1] ?? '';
  const nsRem = Number(frac.padEnd(9, '0').slice(3, 9));
  if (!m || (m[2] === '00' && m[3] === '00')) return new GoTime(d.getTime(), nsRem, UTC);
  const off = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60);
  return new GoTime(d.getTime(), nsRem, { name: '', fixed: off });
}

/** JSON → Go values for the `go` mode. */
export function decode(v: Json): unknown {
  if (v === null) return null;
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) < 2 ** 53 ? BigInt(v) : v;
  if (typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(decode);
  const keys = Object.keys(v);
  if (keys.length === 1 && keys[0]!.startsWith('$')) {
    const x = v[keys[0]!];
    switch (keys[0]) {
      case '$float':
        return specialFloat(x);
      case '$float32':
        return new GoNum('float32', Math.fround(specialFloat(x)));
      case '$int64':
        return new GoNum('int64', BigInt(x));
      case '$uint':
        return new GoNum('uint', BigInt(x));
      case '$uint64':
        return new GoNum('uint64', BigInt(x));
      case '$string_map':
        return tag({ ...x }, STRING_MAP);
      case '$map':
        return Object.fromEntries(Object.entries(x).map(([k, e]) => [k, decode(e)]));
      case '$int_key_map':
        return new Map(Object.entries(x).map(([k, e]) => [BigInt(k), decode(e)]));
      case '$strings':
        return tag([...x], STRING_SLICE);
      case '$ints':
        return tag(
          x.map((n: number) => BigInt(n)),
          { name: '[]int', kind: 'slice', elem: 'int' },
        );
      case '$floats':
        return tag([...x], { name: '[]float64', kind: 'slice', elem: 'float64' });
      case '$time':
        return parseTime(x);
      case '$duration':
        return new GoNum('time.Duration', parseGoDuration(x));
      case '$kv':
        return kv_(x);
      case '$bytes':
        return Buffer.from(x);
      case '$html':
        return new GoStr(HTML_TYPE, x);
      case '$func':
        return FUNCS[x];
      case '$server':
        return server(x);
      case '$nil_server':
        return new GoNilPtr(SERVER);
    }
  }
  return Object.fromEntries(Object.entries(v).map(([k, e]) => [k, decode(e)]));
}

export function ruleData(d: Json): { name: string; data: RuleTemplateData; evalTimeMs: number; queries: Json } {
  const value =
    d.value === undefined ? 0 : typeof d.value === 'object' ? specialFloat(d.value.$float) : specialFloat(d.value);
  return {
    name: d.alertname ?? 'TestAlert',
    data: {
      labels: d.labels ?? {},
      externalLabels: d.externalLabels ?? {},
      externalURL: d.externalURL ?? '',
      value,
    },
    evalTimeMs: (d.evalTime ?? 1710504000) * 1000,
    queries: d.queries ?? {},
  };
}

const ZERO_DATE = new Date('0001-01-01T00:00:00Z');

function common(maps: Record<string, string>[]): Record<string, string> {
  if (maps.length === 0) return {};
  const out: Record<string, string> = { ...maps[0] };
  for (const m of maps.slice(1)) for (const k of Object.keys(out)) if (m[k] !== out[k]) delete out[k];
  return out;
}

export function notificationData(d: Json, now: Date): NotificationData {
  const alerts = (d.alerts ?? []).map((a: Json) => {
    const endsAt = a.endsAt ? new Date(a.endsAt) : ZERO_DATE;
    const resolved = a.endsAt !== undefined && endsAt.getTime() <= now.getTime();
    return {
      status: resolved ? 'resolved' : 'firing',
      labels: a.labels ?? {},
      annotations: a.annotations ?? {},
      startsAt: new Date(a.startsAt ?? ZERO_DATE),
      endsAt,
      generatorURL: a.generatorURL ?? '',
      fingerprint: fingerprint(a.labels ?? {}),
    } as const;
  });
  return {
    receiver: quoteMeta(d.receiver ?? ''),
    status: alerts.some((a: Json) => a.status === 'firing') ? 'firing' : 'resolved',
    alerts,
    groupLabels: d.groupLabels ?? {},
    commonLabels: common(alerts.map((a: Json) => a.labels)),
    commonAnnotations: common(alerts.map((a: Json) => a.annotations)),
    externalURL: d.externalURL ?? '',
    groupKey: '',
    notificationReason: d.notificationReason ?? '',
    routeLabels: d.routeLabels ?? {},
    routeLabelsRendered: d.routeLabelsRendered ?? false,
  };
}
