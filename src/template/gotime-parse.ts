/** Parsing of Go time values: time.ParseDuration and time.Parse for the layouts templates use. */
import { chunks, GoTime, isDigit, LONG_MONTHS, UTC, type Zone } from './gotime.js';

/** Parses a Go duration string ("1h2m3.5s") into nanoseconds. */
export function parseGoDuration(s: string): bigint {
  const m = /^([+-]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))+$/.exec(s);
  if (!m && s !== '0') throw new Error(`time: invalid duration "${s}"`);
  if (s === '0') return 0n;
  const units: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 6e10, h: 3.6e12 };
  let total = 0;
  for (const part of s.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/g))
    total += Number(part[1]) * units[part[2]!]!;
  const ns = BigInt(Math.round(total));
  return m![1] === '-' ? -ns : ns;
}

/** time.Parse for the layouts templates use; error texts follow Go. */
export function parseTime(layout: string, value: string): GoTime {
  const orig = value;
  const parts = { year: 1, month: 1, day: 1, hour: 0, min: 0, sec: 0, ns: 0, off: 0, pm: -1 };
  const fail = (std: string, rest: string, extra = ''): never => {
    throw new Error(
      `parsing time ${JSON.stringify(orig)} as ${JSON.stringify(layout)}: cannot parse ${JSON.stringify(rest)} as ${JSON.stringify(std)}${extra}`,
    );
  };
  const num = (std: string, width: number, exact: boolean): number => {
    let j = 0;
    while (j < value.length && isDigit(value[j]) && (j < width || !exact)) j++;
    if (exact ? j !== width : j === 0 || j > width) fail(std, value);
    const n = Number(value.slice(0, j));
    value = value.slice(j);
    return n;
  };
  for (const ch of chunks(layout)) {
    if ('lit' in ch) {
      if (!value.startsWith(ch.lit)) fail(ch.lit, value);
      value = value.slice(ch.lit.length);
      continue;
    }
    switch (ch.std) {
      case '2006': {
        if (value.length < 4) fail('2006', value);
        const p = value.slice(0, 4);
        value = value.slice(4);
        if (!/^\d{4}$/.test(p)) fail('2006', value);
        parts.year = Number(p);
        break;
      }
      case '01':
        parts.month = num('01', 2, true);
        break;
      case '1':
        parts.month = num('1', 2, false);
        break;
      case '02':
        parts.day = num('02', 2, true);
        break;
      case '2':
        parts.day = num('2', 2, false);
        break;
      case '15':
        parts.hour = num('15', 2, false);
        break;
      case '03':
        parts.hour = num('03', 2, true);
        break;
      case '04':
        parts.min = num('04', 2, true);
        break;
      case '05':
        parts.sec = num('05', 2, true);
        if (value[0] === '.' && isDigit(value[1])) {
          const m = /^\.(\d+)/.exec(value)!;
          parts.ns = Number(m[1]!.slice(0, 9).padEnd(9, '0'));
          value = value.slice(m[0].length);
        }
        break;
      case 'Jan': {
        const i = LONG_MONTHS.findIndex((mn) => value.startsWith(mn.slice(0, 3)));
        if (i < 0) fail('Jan', value);
        parts.month = i + 1;
        value = value.slice(3);
        break;
      }
      case 'Z07:00':
      case '-07:00':
      case 'Z0700':
      case '-0700': {
        if (ch.std[0] === 'Z' && value[0] === 'Z') {
          value = value.slice(1);
          break;
        }
        const m = /^([+-])(\d\d):?(\d\d)/.exec(value);
        if (!m) fail(ch.std, value);
        parts.off = (m![1] === '-' ? -1 : 1) * (Number(m![2]) * 3600 + Number(m![3]) * 60);
        value = value.slice(m![0].length);
        break;
      }
      default:
        fail(ch.std, value);
    }
  }
  if (value !== '') throw new Error(`parsing time ${JSON.stringify(orig)}: extra text: ${JSON.stringify(value)}`);
  const d = new Date(0);
  d.setUTCFullYear(parts.year, parts.month - 1, parts.day);
  d.setUTCHours(parts.hour, parts.min, parts.sec, Math.floor(parts.ns / 1e6));
  const zone: Zone = parts.off === 0 ? UTC : { name: '', fixed: parts.off };
  return new GoTime(d.getTime() - parts.off * 1000, parts.ns % 1e6, zone);
}
