/**
 * Alertmanager time intervals (timeinterval/timeinterval.go, SEMANTICS §4.5): parsing with upstream's error
 * texts, and evaluation at a given instant. Pure: callers pass `now`.
 */

/** Minutes of the day, start inclusive, end exclusive (0..1440). */
export interface TimeRange {
  startMinute: number;
  endMinute: number;
}

export interface InclusiveRange {
  begin: number;
  end: number;
}

/** One entry of a named interval's `time_intervals` list. An absent field matches every instant. */
export interface TimeIntervalSpec {
  times?: TimeRange[];
  /** 0 = Sunday … 6 = Saturday. */
  weekdays?: InclusiveRange[];
  /** Negative values count from the end of the month (-1 = last day). */
  daysOfMonth?: InclusiveRange[];
  /** 1 = January. */
  months?: InclusiveRange[];
  years?: InclusiveRange[];
  /** IANA zone name, `Local` or `UTC`; undefined means UTC. */
  location?: string;
}

export class TimeIntervalError extends Error {
  override name = 'TimeIntervalError';
}

/** Names as Alertmanager's config spells them, indexed like `Date.getUTCDay()` and `getUTCMonth()`. */
export const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
export const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

const VALID_TIME = /^((([01][0-9])|(2[0-3])):[0-5][0-9])$|(^24:00$)/;

function parseTime(s: string): number {
  if (!VALID_TIME.test(s)) throw new TimeIntervalError(`couldn't parse timestamp ${s}, invalid format`);
  const [h, m] = s.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

export function parseTimeRange(start: string, end: string): TimeRange {
  if (start === '' || end === '') throw new TimeIntervalError('both start and end times must be provided');
  const startMinute = parseTime(start);
  const endMinute = parseTime(end);
  if (startMinute >= endMinute) throw new TimeIntervalError('start time cannot be equal or greater than end time');
  return { startMinute, endMinute };
}

/** Go strconv.Atoi, with its error text. */
function atoi(s: string): number {
  if (!/^[+-]?\d+$/.test(s)) throw new TimeIntervalError(`strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`);
  const n = Number(s);
  if (!Number.isSafeInteger(n))
    throw new TimeIntervalError(`strconv.Atoi: parsing ${JSON.stringify(s)}: value out of range`);
  return n;
}

/** upstream stringableRangeFromString: lower-cased, `a:b` or a single member. */
function parseRange(input: string, member: (s: string) => number): InclusiveRange {
  const s = input.toLowerCase();
  if (s.includes(':')) {
    const parts = s.split(':');
    if (parts.length !== 2) throw new TimeIntervalError(`couldn't parse range ${s}, invalid format`);
    return { begin: member(parts[0]!), end: member(parts[1]!) };
  }
  const v = member(s);
  return { begin: v, end: v };
}

export function parseWeekdayRange(s: string): InclusiveRange {
  const r = parseRange(s, (m) => {
    const i = WEEKDAYS.indexOf(m);
    if (i < 0) throw new TimeIntervalError(`${m} is not a valid weekday`);
    return i;
  });
  if (r.begin > r.end) throw new TimeIntervalError('start day cannot be before end day');
  return r;
}

export function parseDayOfMonthRange(s: string): InclusiveRange {
  const r = parseRange(s, atoi);
  for (const d of [r.begin, r.end]) {
    if (d === 0 || d < -31 || d > 31) throw new TimeIntervalError(`${d} is not a valid day of the month: out of range`);
  }
  if (r.begin < 0 && r.end > 0) throw new TimeIntervalError('end day must be negative if start day is negative');
  // Upstream rejects ranges that are empty even in the shortest (28-day) month.
  const checkBegin = r.begin < 0 ? 28 + r.begin : r.begin;
  const checkEnd = r.end < 0 ? 28 + r.end : r.end;
  if (checkBegin > checkEnd) throw new TimeIntervalError(`end day ${r.end} is always before start day ${r.begin}`);
  return r;
}

export function parseMonthRange(s: string): InclusiveRange {
  const r = parseRange(s, (m) => {
    const i = MONTHS.indexOf(m);
    if (i >= 0) return i + 1;
    if (!/^[+-]?\d+$/.test(m)) throw new TimeIntervalError(`${m} is not a valid month`);
    return Number(m);
  });
  if (r.begin > r.end) {
    throw new TimeIntervalError(
      `end month ${MONTHS[r.end - 1] ?? ''} is before start month ${MONTHS[r.begin - 1] ?? ''}`,
    );
  }
  return r;
}

export function parseYearRange(s: string): InclusiveRange {
  const r = parseRange(s, atoi);
  if (r.begin > r.end) throw new TimeIntervalError(`end year ${r.end} is before start year ${r.begin}`);
  return r;
}

/** Validates a `location` like Go's time.LoadLocation; returns the name to evaluate with. */
export function parseLocation(name: string): string {
  if (name === '' || name === 'UTC' || name === 'Local') return name === '' ? 'UTC' : name;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
  } catch {
    throw new TimeIntervalError(`unknown time zone ${name}`);
  }
  return name;
}

interface LocalTime {
  year: number;
  month: number;
  day: number;
  weekday: number;
  minuteOfDay: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(location: string): Intl.DateTimeFormat {
  let f = formatters.get(location);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: location === 'Local' ? undefined : location,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    formatters.set(location, f);
  }
  return f;
}

function localTime(now: number, location: string): LocalTime {
  if (location === 'UTC') {
    const d = new Date(now);
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      weekday: d.getUTCDay(),
      minuteOfDay: d.getUTCHours() * 60 + d.getUTCMinutes(),
    };
  }
  const parts: Record<string, number> = {};
  for (const p of formatterFor(location).formatToParts(now)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const { year, month, day, hour, minute } = parts as Record<'year' | 'month' | 'day' | 'hour' | 'minute', number>;
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  return { year, month, day, weekday, minuteOfDay: hour * 60 + minute };
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const clamp = (n: number, min: number, max: number) => Math.min(Math.max(n, min), max);

function dayOfMonthMatches(r: InclusiveRange, t: LocalTime): boolean {
  const days = daysInMonth(t.year, t.month);
  const begin = r.begin < 0 ? days + r.begin + 1 : r.begin;
  const end = r.end < 0 ? days + r.end + 1 : r.end;
  // A range starting after the end of this month does not apply; otherwise it is clamped to the month.
  if (begin > days) return false;
  return t.day >= clamp(begin, -days, days) && t.day <= clamp(end, -days, days);
}

const within = (v: number, r: InclusiveRange) => v >= r.begin && v <= r.end;

/** upstream TimeInterval.ContainsTime: every present field must match (any of its entries). */
export function specContains(spec: TimeIntervalSpec, now: number): boolean {
  const t = localTime(now, spec.location ?? 'UTC');
  if (spec.times && !spec.times.some((r) => t.minuteOfDay >= r.startMinute && t.minuteOfDay < r.endMinute)) {
    return false;
  }
  if (spec.daysOfMonth && !spec.daysOfMonth.some((r) => dayOfMonthMatches(r, t))) return false;
  if (spec.months && !spec.months.some((r) => within(t.month, r))) return false;
  if (spec.weekdays && !spec.weekdays.some((r) => within(t.weekday, r))) return false;
  if (spec.years && !spec.years.some((r) => within(t.year, r))) return false;
  return true;
}

/** True when `now` (ms since the epoch) lies in any spec of a named interval. */
export function isInTimeInterval(specs: readonly TimeIntervalSpec[], now: number): boolean {
  return specs.some((s) => specContains(s, now));
}
