/** Go encoding/json Marshal for template values (Alertmanager's toJson). */
import { compareBytes } from '../labels/labels.js';
import { jsonTime } from './alertmanager-data.js';
import { formatFloat } from './floatfmt.js';
import { GoTime } from './gotime.js';
import { GoNilPtr, GoNum, GoStr, goTypeOf } from './values.js';

/** JSON field names of the Alertmanager structs (Go struct tags). */
const JSON_NAMES: Record<string, Record<string, string>> = {
  'template.Alert': {
    Status: 'status',
    Labels: 'labels',
    Annotations: 'annotations',
    StartsAt: 'startsAt',
    EndsAt: 'endsAt',
    GeneratorURL: 'generatorURL',
    Fingerprint: 'fingerprint',
  },
  '*template.Data': {
    Receiver: 'receiver',
    Status: 'status',
    Alerts: 'alerts',
    GroupLabels: 'groupLabels',
    CommonLabels: 'commonLabels',
    CommonAnnotations: 'commonAnnotations',
    ExternalURL: 'externalURL',
  },
  'template.Pair': { Name: 'Name', Value: 'Value' },
};

function jsonString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function jsonFloat(v: number): string {
  if (!Number.isFinite(v)) throw new Error(`json: unsupported value: ${formatFloat(v, 'g', -1)}`);
  const abs = Math.abs(v);
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) {
    return formatFloat(v, 'e', -1).replace(/e([+-])0(\d)$/, 'e$1$2');
  }
  return formatFloat(v, 'f', -1);
}

export function toJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'string':
      return jsonString(v);
    case 'number':
      return jsonFloat(v);
    case 'bigint':
      return String(v);
    case 'boolean':
      return String(v);
  }
  if (v instanceof GoNum) return v.type === 'float32' ? jsonFloat(Number(v.v)) : String(v.v);
  if (v instanceof GoStr) return jsonString(v.v);
  if (v instanceof GoNilPtr) return 'null';
  if (v instanceof GoTime) return jsonString(jsonTime(v));
  if (v instanceof Uint8Array) return jsonString(Buffer.from(v).toString('base64'));
  if (Array.isArray(v)) return `[${v.map(toJson).join(',')}]`;
  if (v instanceof Map) {
    const keys = [...v.keys()].map(String).sort(compareBytes);
    return `{${keys.map((k) => `${jsonString(k)}:${toJson(v.get(BigInt(k)) ?? v.get(Number(k)))}`).join(',')}}`;
  }
  const t = goTypeOf(v);
  if (t?.fields) {
    const names = JSON_NAMES[t.name] ?? {};
    const parts = Object.entries(t.fields)
      .filter(([k]) => t.name !== '*template.Data' || names[k] !== undefined)
      .map(([k, get]) => `${jsonString(names[k] ?? k)}:${toJson(get(v))}`);
    return `{${parts.join(',')}}`;
  }
  const m = v as Record<string, unknown>;
  const keys = Object.keys(m).sort(compareBytes);
  return `{${keys.map((k) => `${jsonString(k)}:${toJson(m[k])}`).join(',')}}`;
}
