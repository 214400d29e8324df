/** Go time.Time values for templates: Format with reference layouts, zones, methods and Parse. */

import { type Dyn, GO_TYPE, GoNum, type GoType, tag } from './values.js';

export interface Zone {
  name: string; // 'UTC', 'Local', IANA name, or '' for a fixed offset
  fixed?: number; // offset seconds for fixed zones
}

export const UTC: Zone = { name: 'UTC', fixed: 0 };

/** A time.Time: epoch milliseconds plus the nanoseconds below the millisecond, in a zone. */
export class GoTime {
  constructor(
    readonly ms: number,
    readonly nsRem: number,
    readonly zone: Zone,
  ) {}
  static fromDate(d: Date, zone: Zone = UTC): GoTime {
    return new GoTime(d.getTime(), 0, zone);
  }
  /** Offset east of UTC in seconds, and the zone abbreviation. */
  offset(): { sec: number; abbr: string } {
    if (this.zone.fixed !== undefined) {
      return { sec: this.zone.fixed, abbr: this.zone.name || fixedAbbr(this.zone.fixed) };
    }
    return ianaOffset(this.zone.name, this.ms);
  }
  isZero(): boolean {
    return this.ms === ZERO && this.nsRem === 0;
  }
  unixNano(): bigint {
    return BigInt(this.ms) * 1_000_000n + BigInt(this.nsRem);
  }
}

// Go's zero time, 0001-01-01T00:00:00Z (Date.UTC would map year 1 to 1901).
const ZERO = (() => {
  const d = new Date(0);
  d.setUTCFullYear(1, 0, 1);
  d.setUTCHours(0, 0, 0, 0);
  return d.getTime();
})();

export const zeroTime = () => new GoTime(ZERO, 0, UTC);

function fixedAbbr(sec: number): string {
  const sign = sec < 0 ? '-' : '+';
  const a = Math.abs(sec);
  const h = Math.floor(a / 3600);
  const m = Math.floor((a % 3600) / 60);
  return `${sign}${String(h).padStart(2, '0')}${m ? String(m).padStart(2, '0') : ''}`;
}

const dtfCache = new Map<string, Intl.DateTimeFormat>();
function dtf(zone: string, locale = 'en-US'): Intl.DateTimeFormat {
  const key = `${zone}|${locale}`;
  let f = dtfCache.get(key);
  if (f === undefined) {
    f = new Intl.DateTimeFormat(locale, {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      timeZoneName: 'short',
    });
    dtfCache.set(key, f);
  }
  return f;
}

/** Loads an IANA zone; throws Go's error for an unknown name. */
export function loadLocation(name: string): Zone {
  if (name === '' || name === 'UTC') return UTC;
  if (name === 'Local') return UTC;
  try {
    dtf(name);
  } catch {
    throw new Error(`unknown time zone ${name}`);
  }
  return { name };
}

// tzdata abbreviations (what Go prints for MST) that Intl renders as GMT±N: zone → [standard offset, std, dst].
const TZDATA_ABBR: Record<string, [number, string, string?]> = {
  'Asia/Tokyo': [9 * 3600, 'JST'],
  'Asia/Seoul': [9 * 3600, 'KST'],
  'Asia/Kolkata': [19800, 'IST'],
  'Asia/Calcutta': [19800, 'IST'],
  'Asia/Shanghai': [8 * 3600, 'CST'],
  'Asia/Taipei': [8 * 3600, 'CST'],
  'Asia/Hong_Kong': [8 * 3600, 'HKT'],
  'Asia/Manila': [8 * 3600, 'PST'],
  'Asia/Jakarta': [7 * 3600, 'WIB'],
  'Asia/Karachi': [5 * 3600, 'PKT'],
  'Asia/Jerusalem': [2 * 3600, 'IST', 'IDT'],
  'Australia/Sydney': [10 * 3600, 'AEST', 'AEDT'],
  'Australia/Melbourne': [10 * 3600, 'AEST', 'AEDT'],
  'Australia/Hobart': [10 * 3600, 'AEST', 'AEDT'],
  'Australia/Brisbane': [10 * 3600, 'AEST'],
  'Australia/Adelaide': [34200, 'ACST', 'ACDT'],
  'Australia/Darwin': [34200, 'ACST'],
  'Australia/Perth': [8 * 3600, 'AWST'],
  'Pacific/Auckland': [12 * 3600, 'NZST', 'NZDT'],
  'Africa/Johannesburg': [2 * 3600, 'SAST'],
  'Africa/Lagos': [3600, 'WAT'],
  'Africa/Nairobi': [3 * 3600, 'EAT'],
  'Europe/Moscow': [3 * 3600, 'MSK'],
};

function tzdataAbbr(zone: string, sec: number): string | undefined {
  const e = TZDATA_ABBR[zone];
  if (e === undefined) return undefined;
  return sec === e[0] ? e[1] : e[2];
}

function ianaOffset(zone: string, ms: number): { sec: number; abbr: string } {
  const parts = dtf(zone).formatToParts(new Date(ms));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const asUTC = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  const sec = Math.round((asUTC - Math.floor(ms / 1000) * 1000) / 1000);
  let abbr = parts.find((p) => p.type === 'timeZoneName')?.value ?? '';
  if (/^GMT|^UTC[+-]/.test(abbr)) {
    const gb = dtf(zone, 'en-GB')
      .formatToParts(new Date(ms))
      .find((p) => p.type === 'timeZoneName')?.value;
    abbr = gb && !/^GMT[+-]/.test(gb) ? gb : (tzdataAbbr(zone, sec) ?? fixedAbbr(sec));
  }
  if (abbr === 'GMT' && sec === 0 && zone === 'UTC') abbr = 'UTC';
  return { sec, abbr };
}

export const LONG_MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const LONG_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

type Chunk = { lit: string } | { std: string; n?: number };

const layoutCache = new Map<string, Chunk[]>();
const isLower = (c: string | undefined) => c !== undefined && c >= 'a' && c <= 'z';
export const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

/** Splits a Go layout into literal text and std elements (time/format.go nextStdChunk). */
export function chunks(layout: string): Chunk[] {
  const cached = layoutCache.get(layout);
  if (cached) return cached;
  const out: Chunk[] = [];
  let lit = '';
  const push = (std: string, len: number, n?: number): number => {
    if (lit) out.push({ lit });
    lit = '';
    out.push(n === undefined ? { std } : { std, n });
    return len;
  };
  for (let i = 0; i < layout.length; ) {
    const s = layout.slice(i);
    let adv = 0;
    const c = s[0]!;
    if (c === 'J' && s.startsWith('Jan')) {
      if (s.startsWith('January')) adv = push('January', 7);
      else if (!isLower(s[3])) adv = push('Jan', 3);
    } else if (c === 'M' && s.startsWith('Mon')) {
      if (s.startsWith('Monday')) adv = push('Monday', 6);
      else if (!isLower(s[3])) adv = push('Mon', 3);
    } else if (c === 'M' && s.startsWith('MST')) adv = push('MST', 3);
    else if (c === '0' && s[1] !== undefined && '123456'.includes(s[1])) adv = push(s.slice(0, 2), 2);
    else if (c === '0' && s.startsWith('002')) adv = push('002', 3);
    else if (c === '1') adv = s.startsWith('15') ? push('15', 2) : push('1', 1);
    else if (c === '2') adv = s.startsWith('2006') ? push('2006', 4) : push('2', 1);
    else if (c === '_' && s.startsWith('_2')) {
      if (s.startsWith('_2006')) {
        lit += '_';
        adv = 1;
      } else adv = push('_2', 2);
    } else if (c === '3' || c === '4' || c === '5') adv = push(c, 1);
    else if (c === 'P' && s[1] === 'M') adv = push('PM', 2);
    else if (c === 'p' && s[1] === 'm') adv = push('pm', 2);
    else if (c === '-' || c === 'Z') {
      for (const z of ['070000', '07:00:00', '0700', '07:00', '07']) {
        if (s.startsWith(c + z)) {
          adv = push(c + z, z.length + 1);
          break;
        }
      }
    } else if ((c === '.' || c === ',') && (s[1] === '0' || s[1] === '9')) {
      let j = 1;
      while (s[j] === s[1]) j++;
      if (!isDigit(s[j])) adv = push(s[1] === '0' ? 'frac0' : 'frac9', j, j - 1);
    }
    if (adv === 0) {
      lit += c;
      adv = 1;
    }
    i += adv;
  }
  if (lit) out.push({ lit });
  layoutCache.set(layout, out);
  return out;
}

const p2 = (n: number) => String(n).padStart(2, '0');

/** time.Time.Format. */
export function formatTime(t: GoTime, layout: string): string {
  const { sec: off, abbr } = t.offset();
  const d = new Date(t.ms + off * 1000);
  const year = d.getUTCFullYear();
  const month = d.getUTCMonth();
  const day = d.getUTCDate();
  const hour = d.getUTCHours();
  const nanos = (((t.ms % 1000) + 1000) % 1000) * 1_000_000 + t.nsRem;
  let out = '';
  for (const ch of chunks(layout)) {
    if ('lit' in ch) {
      out += ch.lit;
      continue;
    }
    switch (ch.std) {
      case 'January':
        out += LONG_MONTHS[month];
        break;
      case 'Jan':
        out += LONG_MONTHS[month]!.slice(0, 3);
        break;
      case 'Monday':
        out += LONG_DAYS[d.getUTCDay()];
        break;
      case 'Mon':
        out += LONG_DAYS[d.getUTCDay()]!.slice(0, 3);
        break;
      case '01':
        out += p2(month + 1);
        break;
      case '1':
        out += month + 1;
        break;
      case '02':
        out += p2(day);
        break;
      case '2':
        out += day;
        break;
      case '_2':
        out += String(day).padStart(2, ' ');
        break;
      case '002': {
        const yd = Math.floor((d.getTime() - Date.UTC(year, 0, 1) + (year < 100 ? 0 : 0)) / 86400000) + 1;
        out += String(yd).padStart(3, '0');
        break;
      }
      case '2006':
        out += String(year).padStart(4, '0');
        break;
      case '06':
        out += p2(year % 100);
        break;
      case '15':
        out += p2(hour);
        break;
      case '03':
        out += p2(hour % 12 || 12);
        break;
      case '3':
        out += hour % 12 || 12;
        break;
      case '04':
        out += p2(d.getUTCMinutes());
        break;
      case '4':
        out += d.getUTCMinutes();
        break;
      case '05':
        out += p2(d.getUTCSeconds());
        break;
      case '5':
        out += d.getUTCSeconds();
        break;
      case 'PM':
        out += hour >= 12 ? 'PM' : 'AM';
        break;
      case 'pm':
        out += hour >= 12 ? 'pm' : 'am';
        break;
      case 'MST':
        out += abbr;
        break;
      case 'frac0':
        out += `.${String(nanos).padStart(9, '0').slice(0, ch.n)}`;
        break;
      case 'frac9': {
        const f = String(nanos).padStart(9, '0').slice(0, ch.n).replace(/0+$/, '');
        if (f) out += `.${f}`;
        break;
      }
      default:
        out += formatZone(ch.std, off);
    }
  }
  return out;
}

function formatZone(std: string, off: number): string {
  if (std[0] === 'Z' && off === 0) return 'Z';
  const sign = off < 0 ? '-' : '+';
  const a = Math.abs(off);
  const h = p2(Math.floor(a / 3600));
  const m = p2(Math.floor((a % 3600) / 60));
  const s = p2(a % 60);
  const z = std.slice(1);
  switch (z) {
    case '070000':
      return sign + h + m + s;
    case '07:00:00':
      return `${sign}${h}:${m}:${s}`;
    case '0700':
      return sign + h + m;
    case '07:00':
      return `${sign}${h}:${m}`;
    default:
      return sign + h;
  }
}

/** time.Time.String(). */
export const timeString = (t: GoTime) => formatTime(t, '2006-01-02 15:04:05.999999999 -0700 MST');

const durationBetween = (a: GoTime, b: GoTime) => new GoNum('time.Duration', a.unixNano() - b.unixNano());

const WEEKDAY_TYPE: GoType = { name: 'time.Weekday', kind: 'struct', str: (w: { day: number }) => LONG_DAYS[w.day]! };
const MONTH_TYPE: GoType = { name: 'time.Month', kind: 'struct', str: (m: { month: number }) => LONG_MONTHS[m.month]! };

export const TIME_TYPE: GoType = {
  name: 'time.Time',
  kind: 'struct',
  str: timeString,
  methods: {
    Format: { params: ['string'], fn: (t: GoTime, l: string) => formatTime(t, l) },
    String: { params: [], fn: timeString },
    Unix: { params: [], fn: (t: GoTime) => new GoNum('int64', BigInt(Math.floor(t.ms / 1000))) },
    UnixMilli: { params: [], fn: (t: GoTime) => new GoNum('int64', BigInt(Math.floor(t.ms))) },
    UnixNano: { params: [], fn: (t: GoTime) => new GoNum('int64', t.unixNano()) },
    UTC: { params: [], fn: (t: GoTime) => new GoTime(t.ms, t.nsRem, UTC) },
    Local: { params: [], fn: (t: GoTime) => new GoTime(t.ms, t.nsRem, UTC) },
    In: { params: ['*time.Location'], fn: (t: GoTime, z: Zone) => new GoTime(t.ms, t.nsRem, z) },
    IsZero: { params: [], fn: (t: GoTime) => t.isZero() },
    Sub: { params: ['time.Time'], fn: durationBetween },
    Add: {
      params: ['time.Duration'],
      fn: (t: GoTime, d: GoNum) => {
        const ns = t.unixNano() + BigInt(d.v);
        return new GoTime(Number(ns / 1_000_000n), Number(ns % 1_000_000n), t.zone);
      },
    },
    Before: { params: ['time.Time'], fn: (a: GoTime, b: GoTime) => a.unixNano() < b.unixNano() },
    After: { params: ['time.Time'], fn: (a: GoTime, b: GoTime) => a.unixNano() > b.unixNano() },
    Equal: { params: ['time.Time'], fn: (a: GoTime, b: GoTime) => a.unixNano() === b.unixNano() },
    Year: { params: [], fn: (t: GoTime) => BigInt(new Date(t.ms + t.offset().sec * 1000).getUTCFullYear()) },
    Day: { params: [], fn: (t: GoTime) => BigInt(new Date(t.ms + t.offset().sec * 1000).getUTCDate()) },
    Hour: { params: [], fn: (t: GoTime) => BigInt(new Date(t.ms + t.offset().sec * 1000).getUTCHours()) },
    Minute: { params: [], fn: (t: GoTime) => BigInt(new Date(t.ms + t.offset().sec * 1000).getUTCMinutes()) },
    Weekday: {
      params: [],
      fn: (t: GoTime) => tag({ day: new Date(t.ms + t.offset().sec * 1000).getUTCDay() }, WEEKDAY_TYPE),
    },
    Month: {
      params: [],
      fn: (t: GoTime) => tag({ month: new Date(t.ms + t.offset().sec * 1000).getUTCMonth() }, MONTH_TYPE),
    },
    Second: { params: [], fn: (t: GoTime) => BigInt(new Date(t.ms + t.offset().sec * 1000).getUTCSeconds()) },
  },
};

// time.Time values carry their Go type on the class prototype.
(GoTime.prototype as Dyn)[GO_TYPE] = TIME_TYPE;
