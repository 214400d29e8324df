/**
 * Prometheus durations (prometheus/common model.ParseDuration): `[Ny][Nw][Nd][Nh][Nm][Ns][Nms]`,
 * units in this order, each at most once, integers only. Values are milliseconds.
 */
const UNITS: ReadonlyArray<readonly [string, number]> = [
  ['y', 365 * 24 * 3600_000],
  ['w', 7 * 24 * 3600_000],
  ['d', 24 * 3600_000],
  ['h', 3600_000],
  ['m', 60_000],
  ['s', 1000],
  ['ms', 1],
];
const UNIT_MS = new Map(UNITS);
const DURATION_RE = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
// Go's duration is an int64 of nanoseconds.
const MAX_MS = Number(2n ** 63n / 1_000_000n);

export class DurationError extends Error {
  override name = 'DurationError';
}

export function parseDuration(s: string): number {
  if (s === '') throw new DurationError('empty duration string');
  if (s === '0') return 0;
  const m = DURATION_RE.exec(s);
  if (!m) {
    const unit = /^\d+([a-zA-Z]+)/.exec(s)?.[1];
    if (unit !== undefined && !UNIT_MS.has(unit)) throw new DurationError(`unknown unit "${unit}" in duration "${s}"`);
    throw new DurationError(`not a valid duration string: "${s}"`);
  }
  let ms = 0;
  for (let i = 0; i < UNITS.length; i++) {
    const n = m[i + 1];
    if (n !== undefined) ms += Number(n) * UNITS[i]![1];
  }
  if (ms > MAX_MS) throw new DurationError('duration out of range');
  return ms;
}

/** Prometheus' String(): `y`/`w` only when they divide exactly, then d h m s ms greedily; zero is `0s`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let out = '';
  let rest = ms;
  const sign = rest < 0 ? '-' : '';
  rest = Math.abs(rest);
  for (const [unit, size] of UNITS) {
    if ((unit === 'y' || unit === 'w') && rest % size !== 0) continue;
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return sign + out;
}
