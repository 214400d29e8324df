/**
 * Normalisation and comparison exactly as the scenario README (sections 3 and 4) describes.
 *
 * The recordings come from Alertmanager 0.25; Klaxon speaks the v0.34 API (SEMANTICS §7.1, §8), which adds
 * fields 0.25 did not have. Those keys, and only those, are ignored when they appear in the actual output
 * but not in the recording: `notification_reason` (webhook, v0.32), `routeLabels` (webhook and alert groups,
 * v0.34) and `mutedBy` (alert status, v0.27).
 */
const POST_025_KEYS = new Set(['notification_reason', 'routeLabels', 'mutedBy']);

export interface NormaliseContext {
  t0: number;
  sinkPort: number;
  serverPort: number;
  /** silence id → ref of the post_silence step that first returned it. */
  silenceRefs: Map<string, string>;
}

const RFC3339 = /^(\d{4})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TIMESTAMP_KEYS = new Set(['updatedAt', 'uptime']);

function normaliseString(s: string, ctx: NormaliseContext): string {
  const time = RFC3339.exec(s);
  if (time && Number(time[1]) > 2000) {
    const ms = Math.round(Date.parse(s.replace(/(\.\d{3})\d+/, '$1')) - ctx.t0);
    return ms < 0 ? `T-${-ms}ms` : `T+${ms}ms`;
  }
  const ref = ctx.silenceRefs.get(s);
  if (ref !== undefined) return `<silence:${ref}>`;
  if (UUID.test(s)) return '<uuid>';
  return s
    .replaceAll(`127.0.0.1:${ctx.sinkPort}`, '127.0.0.1:{{SINK_PORT}}')
    .replaceAll(`127.0.0.1:${ctx.serverPort}`, '127.0.0.1:{{PORT}}');
}

export function normalise(value: unknown, ctx: NormaliseContext, key?: string): unknown {
  if (key !== undefined && TIMESTAMP_KEYS.has(key) && typeof value === 'string') return '<timestamp>';
  if (typeof value === 'string') return normaliseString(value, ctx);
  if (Array.isArray(value)) return value.map((v) => normalise(v, ctx));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalise(v, ctx, k)]));
  }
  return value;
}

const RELATIVE = /^T([+-]\d+)ms$/;

/** Differences between a recorded and an actual (both normalised) value; empty when they are equal. */
export function diffExact(expected: unknown, actual: unknown, toleranceMs: number, path = '$'): string[] {
  if (typeof expected === 'string' && typeof actual === 'string') {
    const e = RELATIVE.exec(expected);
    const a = RELATIVE.exec(actual);
    if (e && a) {
      return Math.abs(Number(e[1]) - Number(a[1])) <= toleranceMs ? [] : [`${path}: ${actual} vs recorded ${expected}`];
    }
  }
  if (Array.isArray(expected) || Array.isArray(actual)) {
    if (!Array.isArray(expected) || !Array.isArray(actual)) return [`${path}: type differs`];
    if (expected.length !== actual.length) {
      return [
        `${path}: length ${actual.length} vs recorded ${expected.length}: ${JSON.stringify(actual).slice(0, 600)}`,
      ];
    }
    return expected.flatMap((e, i) => diffExact(e, actual[i], toleranceMs, `${path}[${i}]`));
  }
  if (isObject(expected) && isObject(actual)) {
    const problems: string[] = [];
    for (const k of Object.keys(expected)) {
      if (!(k in actual)) problems.push(`${path}.${k}: missing`);
      else problems.push(...diffExact(expected[k], actual[k], toleranceMs, `${path}.${k}`));
    }
    for (const k of Object.keys(actual)) {
      if (!(k in expected) && !POST_025_KEYS.has(k)) problems.push(`${path}.${k}: unexpected key`);
    }
    return problems;
  }
  return Object.is(expected, actual)
    ? []
    : [`${path}: ${JSON.stringify(actual)} vs recorded ${JSON.stringify(expected)}`];
}

/** `shape`: same JSON types, same object keys, same array lengths; values not compared. */
export function diffShape(expected: unknown, actual: unknown, path = '$'): string[] {
  const type = (v: unknown) => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);
  if (type(expected) !== type(actual)) return [`${path}: ${type(actual)} vs recorded ${type(expected)}`];
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (expected.length !== actual.length) return [`${path}: length ${actual.length} vs recorded ${expected.length}`];
    return expected.flatMap((e, i) => diffShape(e, actual[i], `${path}[${i}]`));
  }
  if (isObject(expected) && isObject(actual)) {
    const problems: string[] = [];
    for (const k of Object.keys(expected)) {
      if (!(k in actual)) problems.push(`${path}.${k}: missing`);
      else problems.push(...diffShape(expected[k], actual[k], `${path}.${k}`));
    }
    for (const k of Object.keys(actual)) {
      if (!(k in expected) && !POST_025_KEYS.has(k)) problems.push(`${path}.${k}: unexpected key`);
    }
    return problems;
  }
  return [];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
