/** Prometheus' humanize* functions and ConvertToFloat (prometheus/common helpers/templates). */
import { formatFloat } from './floatfmt.js';
import { parseGoFloat } from './literals.js';
import { GoNum, typeName } from './values.js';

const g4 = (v: number) => formatFloat(v, 'g', 4);

/** strconv.ParseFloat(s, 64) with Go's error texts. */
export function parseFloatStrict(s: string): number {
  const v = /^[+-]?(\d[\d_]*\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(inf|infinity|nan)$/i.test(s) ? parseGoFloat(s) : null;
  if (v === null) {
    if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s))
      throw new Error(`strconv.ParseFloat: parsing ${JSON.stringify(s)}: value out of range`);
    throw new Error(`strconv.ParseFloat: parsing ${JSON.stringify(s)}: invalid syntax`);
  }
  return v;
}

/** ConvertToFloat: float64, numeric strings, integers and durations (as seconds). */
export function convertToFloat(i: unknown): number {
  if (typeof i === 'number') return i;
  if (typeof i === 'string') return parseFloatStrict(i);
  if (typeof i === 'bigint') return Number(i);
  if (i instanceof GoNum) {
    if (i.type === 'time.Duration') return Number(i.v) / 1e9;
    if (i.type === 'int64' || i.type === 'uint' || i.type === 'uint64') return Number(i.v);
  }
  throw new Error(`can't convert ${i === null || i === undefined ? '<nil>' : typeName(i)} to float`);
}

const BIG = ['k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'];
const SMALL = ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y'];

function scaleSmall(v: number): [number, string] {
  let prefix = '';
  for (const p of SMALL) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return [v, prefix];
}

export function humanize(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return g4(v);
  if (Math.abs(v) >= 1) {
    let prefix = '';
    for (const p of BIG) {
      if (Math.abs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
    return g4(v) + prefix;
  }
  const [s, prefix] = scaleSmall(v);
  return g4(s) + prefix;
}

export function humanize1024(v: number): string {
  if (Math.abs(v) <= 1 || !Number.isFinite(v)) return g4(v);
  let prefix = '';
  for (const p of ['ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'Zi', 'Yi']) {
    if (Math.abs(v) < 1024) break;
    prefix = p;
    v /= 1024;
  }
  return g4(v) + prefix;
}

export function humanizeDuration(v: number): string {
  if (!Number.isFinite(v)) return g4(v);
  if (v === 0) return `${g4(v)}s`;
  if (Math.abs(v) >= 1) {
    let sign = '';
    if (v < 0) {
      sign = '-';
      v = -v;
    }
    // Upstream converts to int64, which overflows past 2^63 s; Klaxon prints the seconds instead.
    if (v >= 2 ** 63) return `${sign}${g4(v)}s`;
    const d = BigInt(Math.trunc(v));
    const seconds = d % 60n;
    const minutes = (d / 60n) % 60n;
    const hours = (d / 3600n) % 24n;
    const days = d / 86400n;
    if (days !== 0n) return `${sign}${days}d ${hours}h ${minutes}m ${seconds}s`;
    if (hours !== 0n) return `${sign}${hours}h ${minutes}m ${seconds}s`;
    if (minutes !== 0n) return `${sign}${minutes}m ${seconds}s`;
    return `${sign}${g4(v)}s`;
  }
  const [s, prefix] = scaleSmall(v);
  return `${g4(s)}${prefix}s`;
}

export const humanizePercentage = (v: number) => `${g4(v * 100)}%`;
