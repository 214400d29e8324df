/** Alertmanager's template data model (template/template.go): Data, Alert(s), KV, Pairs, Strings. */
import { compareBytes } from '../labels/labels.js';
import { formatTime, GoTime, UTC } from './gotime.js';
import { type Dyn, GO_TYPE, type GoType, tag } from './values.js';

export const STRINGS_TYPE: GoType = {
  name: 'template.Strings',
  kind: 'slice',
  elem: 'string',
  methods: { Join: { params: ['string'], fn: (s: string[], sep: string) => s.join(sep) } },
};
export const STRING_SLICE: GoType = { name: '[]string', kind: 'slice', elem: 'string' };
export const IFACE_SLICE: GoType = { name: '[]interface {}', kind: 'slice', elem: 'interface {}' };

/** template.Pair; a class so that SortedPairs (called on every render) allocates plain instances. */
class Pair {
  constructor(
    readonly Name: string,
    readonly Value: string,
  ) {}
}
const PAIR_TYPE: GoType = {
  name: 'template.Pair',
  kind: 'struct',
  fields: { Name: (p: Pair) => p.Name, Value: (p: Pair) => p.Value },
};
(Pair.prototype as Dyn)[GO_TYPE] = PAIR_TYPE;
const pairsNames = (ps: Pair[]) =>
  tag(
    ps.map((p) => p.Name),
    STRINGS_TYPE,
  );
const pairsValues = (ps: Pair[]) =>
  tag(
    ps.map((p) => p.Value),
    STRINGS_TYPE,
  );
const pairsString = (ps: Pair[]) => ps.map((p) => `${p.Name}=${p.Value}`).join(', ');
const PAIRS_TYPE: GoType = {
  name: 'template.Pairs',
  kind: 'slice',
  elem: 'template.Pair',
  str: pairsString,
  methods: {
    Names: { params: [], fn: pairsNames },
    Values: { params: [], fn: pairsValues },
    String: { params: [], fn: pairsString },
  },
};

/** KV.SortedPairs: by name, with `alertname` first. */
function sortedPairs(kv: Record<string, string>): Pair[] {
  const names = Object.keys(kv).sort((a, b) => {
    if (a === b) return 0;
    if (a === 'alertname') return -1;
    if (b === 'alertname') return 1;
    return compareBytes(a, b);
  });
  return tag(
    names.map((n) => new Pair(n, kv[n]!)),
    PAIRS_TYPE,
  );
}

export const KV_TYPE: GoType = {
  name: 'template.KV',
  kind: 'map',
  elem: 'string',
  str: (kv: Record<string, string>) => pairsString(sortedPairs(kv)),
  methods: {
    SortedPairs: { params: [], fn: sortedPairs },
    Names: { params: [], fn: (kv: Record<string, string>) => pairsNames(sortedPairs(kv)) },
    Values: { params: [], fn: (kv: Record<string, string>) => pairsValues(sortedPairs(kv)) },
    Remove: {
      params: ['[]string'],
      fn: (kv: Record<string, string>, keys: string[] | null) => {
        const out: Record<string, string> = { ...kv };
        for (const k of keys ?? []) delete out[k];
        return kv_(out);
      },
    },
    String: { params: [], fn: (kv: Record<string, string>) => pairsString(sortedPairs(kv)) },
  },
};

export const kv_ = (m: Record<string, string>) => tag(m, KV_TYPE);

export interface TemplateAlert {
  Status: string;
  Labels: Record<string, string>;
  Annotations: Record<string, string>;
  StartsAt: GoTime;
  EndsAt: GoTime;
  GeneratorURL: string;
  Fingerprint: string;
}

export const ALERT_TYPE: GoType = {
  name: 'template.Alert',
  kind: 'struct',
  fields: {
    Status: (a: TemplateAlert) => a.Status,
    Labels: (a: TemplateAlert) => a.Labels,
    Annotations: (a: TemplateAlert) => a.Annotations,
    StartsAt: (a: TemplateAlert) => a.StartsAt,
    EndsAt: (a: TemplateAlert) => a.EndsAt,
    GeneratorURL: (a: TemplateAlert) => a.GeneratorURL,
    Fingerprint: (a: TemplateAlert) => a.Fingerprint,
  },
};

const ALERT_LIST: GoType = { name: '[]template.Alert', kind: 'slice', elem: 'template.Alert' };
const filterStatus = (as: TemplateAlert[], s: string) =>
  tag(
    as.filter((a) => a.Status === s),
    ALERT_LIST,
  );
export const ALERTS_TYPE: GoType = {
  name: 'template.Alerts',
  kind: 'slice',
  elem: 'template.Alert',
  methods: {
    Firing: { params: [], fn: (as: TemplateAlert[]) => filterStatus(as, 'firing') },
    Resolved: { params: [], fn: (as: TemplateAlert[]) => filterStatus(as, 'resolved') },
  },
};

export interface TemplateData {
  Receiver: string;
  Status: string;
  Alerts: TemplateAlert[];
  GroupLabels: Record<string, string>;
  CommonLabels: Record<string, string>;
  CommonAnnotations: Record<string, string>;
  RouteLabels: Record<string, string>;
  ExternalURL: string;
  NotificationReason: string;
}

const field = (k: keyof TemplateData) => (d: TemplateData) => d[k];
export const DATA_TYPE: GoType = {
  name: '*template.Data',
  kind: 'ptr',
  fields: {
    Receiver: field('Receiver'),
    Status: field('Status'),
    Alerts: field('Alerts'),
    GroupLabels: field('GroupLabels'),
    CommonLabels: field('CommonLabels'),
    CommonAnnotations: field('CommonAnnotations'),
    RouteLabels: field('RouteLabels'),
    ExternalURL: field('ExternalURL'),
    NotificationReason: field('NotificationReason'),
  },
};

export const makeAlert = (a: TemplateAlert): TemplateAlert => tag(a, ALERT_TYPE);
export const makeAlerts = (as: TemplateAlert[]) => tag(as, ALERTS_TYPE);
export const makeData = (d: TemplateData): TemplateData => tag(d, DATA_TYPE);

/** RFC 3339 with nanoseconds, trailing zeros dropped (Go's time.Time JSON encoding). */
export function jsonTime(t: GoTime): string {
  return formatTime(
    new GoTime(t.ms, t.nsRem, t.zone.fixed === 0 ? UTC : t.zone),
    '2006-01-02T15:04:05.999999999Z07:00',
  );
}
