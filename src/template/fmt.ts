/** Go fmt: Sprint, Sprintln and Sprintf for the value model of values.ts. */
import { compareBytes, goQuote } from '../labels/labels.js';
import { formatFloat, formatFloatV } from './floatfmt.js';
import { GoFuncValue, GoNilPtr, GoNum, GoStr, goTypeOf, kindOf, typeName } from './values.js';

interface Flags {
  plus: boolean;
  minus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  width: number; // -1 = none
  prec: number; // -1 = none
}
const NO_FLAGS: Flags = { plus: false, minus: false, sharp: false, space: false, zero: false, width: -1, prec: -1 };

const runeCount = (s: string) => {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) n++;
  }
  return n;
};

function pad(s: string, f: Flags, zeroOK = true): string {
  if (f.width < 0) return s;
  const n = f.width - runeCount(s);
  if (n <= 0) return s;
  if (f.minus) return s + ' '.repeat(n);
  return (f.zero && zeroOK ? '0' : ' ').repeat(n) + s;
}

/** The Stringer/error text of a value, or undefined. */
function stringerText(v: unknown): string | undefined {
  if (v instanceof GoNum && (v.type === 'time.Duration' || v.type === '*time.Duration'))
    return formatGoDuration(BigInt(v.v));
  const t = goTypeOf(v);
  if (t?.str) return t.str(v);
  if (v instanceof GoStr && v.type.str) return v.type.str(v);
  return undefined;
}

/** time.Duration.String(). */
export function formatGoDuration(ns: bigint): string {
  if (ns === 0n) return '0s';
  const neg = ns < 0n;
  let u = neg ? -ns : ns;
  let out: string;
  if (u < 1_000_000_000n) {
    // sub-second: ns, µs or ms with a fraction
    let unit: string;
    let div: bigint;
    if (u < 1000n) return `${neg ? '-' : ''}${u}ns`;
    if (u < 1_000_000n) {
      unit = 'µs';
      div = 1000n;
    } else {
      unit = 'ms';
      div = 1_000_000n;
    }
    out = fracString(u, div) + unit;
  } else {
    const secs = u / 1_000_000_000n;
    const frac = u % 1_000_000_000n;
    let s = fracString(frac + (secs % 60n) * 1_000_000_000n, 1_000_000_000n);
    s += 's';
    u = secs / 60n;
    if (u > 0n) {
      s = `${u % 60n}m${s}`;
      u /= 60n;
      if (u > 0n) s = `${u}h${s}`;
    }
    out = s;
  }
  return (neg ? '-' : '') + out;
}

function fracString(v: bigint, div: bigint): string {
  const whole = v / div;
  let frac = (v % div).toString().padStart(div.toString().length - 1, '0');
  frac = frac.replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : String(whole);
}

function fmtInteger(v: bigint, unsigned: boolean, verb: string, f: Flags): string {
  if (verb === 'c') return pad(String.fromCodePoint(Number(v)), f);
  if (verb === 'q') return pad(quoteRune(Number(v)), f);
  if (verb === 'U') {
    let s = `U+${v.toString(16).toUpperCase().padStart(Math.max(f.prec, 4), '0')}`;
    if (f.sharp) s += ` '${String.fromCodePoint(Number(v))}'`;
    return pad(s, f);
  }
  const neg = v < 0n && !unsigned;
  const a = neg ? -v : v;
  const base = verb === 'x' || verb === 'X' ? 16 : verb === 'o' || verb === 'O' ? 8 : verb === 'b' ? 2 : 10;
  let digits = a.toString(base);
  if (verb === 'X') digits = digits.toUpperCase();
  if (f.prec >= 0) {
    if (f.prec === 0 && a === 0n) digits = '';
    else digits = digits.padStart(f.prec, '0');
  }
  let prefix = '';
  if (f.sharp) {
    if (verb === 'x') prefix = '0x';
    else if (verb === 'X') prefix = '0X';
    else if (verb === 'o' && digits[0] !== '0') prefix = '0';
    else if (verb === 'b') prefix = '0b';
  }
  if (verb === 'O') prefix = '0o';
  const sign = neg ? '-' : f.plus ? '+' : f.space ? ' ' : '';
  if (f.zero && !f.minus && f.width > 0 && f.prec < 0) {
    const n = f.width - sign.length - prefix.length;
    digits = digits.padStart(n, '0');
    return sign + prefix + digits;
  }
  return pad(sign + prefix + digits, f, false);
}

function quoteRune(cp: number): string {
  if (cp === 39) return "'\\''";
  const q = goQuote(String.fromCodePoint(cp));
  const body = q.slice(1, -1).replace(/\\"/g, '"');
  return `'${body}'`;
}

function fmtFloat(x: number, verb: string, f: Flags): string {
  let s: string;
  switch (verb) {
    case 'v':
    case 'g':
    case 'G':
      s = formatFloat(x, verb === 'G' ? 'G' : 'g', f.prec);
      break;
    case 'e':
    case 'E':
      s = formatFloat(x, verb, f.prec < 0 ? 6 : f.prec);
      break;
    default:
      s = formatFloat(x, 'f', f.prec < 0 ? 6 : f.prec);
  }
  if (f.sharp && verb !== 'b' && !s.includes('.') && /^[-+]?\d/.test(s)) {
    const e = s.search(/[eE]/);
    s = e < 0 ? `${s}.` : `${s.slice(0, e)}.${s.slice(e)}`;
  }
  if (s === 'NaN' || s.endsWith('Inf')) {
    if (s === 'NaN' && (f.plus || f.space)) s = (f.plus ? '+' : ' ') + s;
    return pad(s, f, false);
  }
  const neg = s[0] === '-';
  const body = neg ? s.slice(1) : s;
  const sign = neg ? '-' : f.plus ? '+' : f.space ? ' ' : '';
  if (f.zero && !f.minus && f.width > 0) return sign + body.padStart(f.width - sign.length, '0');
  return pad(sign + body, f, false);
}

function fmtString(s: string, verb: string, f: Flags): string {
  if (f.prec >= 0 && verb !== 'x' && verb !== 'X') s = [...s].slice(0, f.prec).join('');
  switch (verb) {
    case 'q':
      if (f.sharp && !/[`\x00-\x08\x0a-\x1f\x7f]/.test(s)) return pad(`\`${s}\``, f);
      return pad(goQuote(s), f);
    case 'x':
    case 'X': {
      let h = Buffer.from(s).toString('hex');
      if (verb === 'X') h = h.toUpperCase();
      return pad(h, f);
    }
  }
  return pad(s, f);
}

function badVerb(v: unknown, verb: string): string {
  if (v === null || v === undefined) return `%!${verb}(<nil>)`;
  return `%!${verb}(${typeName(v)}=${printArg(v, 'v', NO_FLAGS, 0)})`;
}

function sortedKeys(m: Record<string, unknown> | Map<unknown, unknown>): unknown[] {
  if (m instanceof Map)
    return [...m.keys()].sort((a, b) => (Number(a) < Number(b) ? -1 : Number(a) > Number(b) ? 1 : 0));
  return Object.keys(m).sort(compareBytes);
}

/** Formats one operand for a verb (fmt's printArg / printValue). */
function printArg(v: unknown, verb: string, f: Flags, depth: number): string {
  if (verb === 'T') return pad(v === null || v === undefined ? '<nil>' : typeName(v), f);
  if (v === null || v === undefined) return verb === 'v' ? pad('<nil>', f) : badVerb(v, verb);
  if (f.sharp && verb === 'v') return pad(goSyntax(v), f);
  const st = 'vsxXq'.includes(verb) ? stringerText(v) : undefined;
  if (st !== undefined) return fmtString(st, verb === 'v' ? 's' : verb, f);
  switch (typeof v) {
    case 'boolean':
      return verb === 'v' || verb === 't' ? pad(String(v), f) : badVerb(v, verb);
    case 'bigint':
      return 'vdbcoOqxXU'.includes(verb) ? fmtInteger(v, false, verb === 'v' ? 'd' : verb, f) : badVerb(v, verb);
    case 'number':
      return 'vbeEfFgGxX'.includes(verb) ? fmtFloat(v, verb, f) : badVerb(v, verb);
    case 'string':
      return 'vsqxX'.includes(verb) ? fmtString(v, verb, f) : badVerb(v, verb);
  }
  if (v instanceof GoNum) {
    if (v.type === 'float32') return 'vbeEfFgGxX'.includes(verb) ? fmtFloat(Number(v.v), verb, f) : badVerb(v, verb);
    if ('vdbcoOqxXU'.includes(verb))
      return fmtInteger(BigInt(v.v), v.type.startsWith('uint'), verb === 'v' ? 'd' : verb, f);
    return badVerb(v, verb);
  }
  if (v instanceof GoStr) return 'vsqxX'.includes(verb) ? fmtString(v.v, verb, f) : badVerb(v, verb);
  if (v instanceof GoNilPtr) return verb === 'v' ? pad('<nil>', f) : badVerb(v, verb);
  if (v instanceof GoFuncValue) return pad('0x0', f);
  if (v instanceof Uint8Array) {
    if (verb === 's' || verb === 'q' || verb === 'x' || verb === 'X')
      return fmtString(Buffer.from(v).toString('latin1'), verb, f);
    return `[${[...v].map((b) => printArg(BigInt(b), verb, f, depth + 1)).join(' ')}]`;
  }
  if (Array.isArray(v)) return `[${v.map((e) => printArg(e, verb, f, depth + 1)).join(' ')}]`;
  const t = goTypeOf(v);
  if (v instanceof Map || t === undefined || t.kind === 'map') {
    const m = v as Record<string, unknown> | Map<unknown, unknown>;
    const parts = sortedKeys(m).map((k) => {
      const val = m instanceof Map ? m.get(k) : m[k as string];
      return `${printArg(k, verb, f, depth + 1)}:${printArg(val, verb, f, depth + 1)}`;
    });
    return `map[${parts.join(' ')}]`;
  }
  if (t.kind === 'struct' || t.kind === 'ptr') {
    const fields = Object.values(t.fields ?? {}).map((get) => printArg(get(v), verb, f, depth + 1));
    const body = `{${fields.join(' ')}}`;
    return t.kind === 'ptr' && depth === 0 ? `&${body}` : body;
  }
  return badVerb(v, verb);
}

/** %#v (Go syntax) for the common cases. */
function goSyntax(v: unknown): string {
  if (typeof v === 'string') return goQuote(v);
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (typeof v === 'number') {
    const s = formatFloatV(v);
    return /[.eEIN]/.test(s) ? s : `${s}`;
  }
  if (Array.isArray(v)) {
    const name = kindOf(v) === 'slice' ? typeName(v) : '[]interface {}';
    return `${name}{${v.map(goSyntax).join(', ')}}`;
  }
  if (typeof v === 'object' && (goTypeOf(v) === undefined || goTypeOf(v)?.kind === 'map')) {
    const m = v as Record<string, unknown>;
    const parts = (sortedKeys(m) as string[]).map((k) => `${goQuote(k)}:${goSyntax(m[k])}`);
    return `${typeName(v)}{${parts.join(', ')}}`;
  }
  return printArg(v, 'v', NO_FLAGS, 0);
}

const isStringArg = (v: unknown) => typeof v === 'string' || v instanceof GoStr;

/** fmt.Sprint: spaces between operands when neither is a string. */
export function sprint(args: unknown[]): string {
  let out = '';
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (i > 0 && !isStringArg(a) && !isStringArg(args[i - 1])) out += ' ';
    out += printArg(a, 'v', NO_FLAGS, 0);
  }
  return out;
}

/** Sprint of a single value (the `{{ x }}` fast path). */
export function sprint1(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return formatFloatV(v);
  return printArg(v, 'v', NO_FLAGS, 0);
}

export function sprintln(args: unknown[]): string {
  return `${args.map((a) => printArg(a, 'v', NO_FLAGS, 0)).join(' ')}\n`;
}

function intArg(v: unknown): number | undefined {
  const k = kindOf(v);
  if (k === 'int' || k === 'uint') return Number(typeof v === 'bigint' ? v : (v as GoNum).v);
  return undefined;
}

/** fmt.Sprintf. */
export function sprintf(format: string, args: unknown[]): string {
  let out = '';
  let argNum = 0;
  const end = format.length;
  let i = 0;
  while (i < end) {
    const lasti = i;
    while (i < end && format[i] !== '%') i++;
    if (i > lasti) out += format.slice(lasti, i);
    if (i >= end) break;
    i++;
    const f: Flags = { ...NO_FLAGS };
    flags: for (; i < end; i++) {
      switch (format[i]) {
        case '#':
          f.sharp = true;
          break;
        case '0':
          f.zero = !f.minus;
          break;
        case '+':
          f.plus = true;
          break;
        case '-':
          f.minus = true;
          f.zero = false;
          break;
        case ' ':
          f.space = true;
          break;
        default:
          break flags;
      }
    }
    if (format[i] === '*') {
      i++;
      const w = argNum < args.length ? intArg(args[argNum]) : undefined;
      argNum++;
      if (w === undefined) out += '%!(BADWIDTH)';
      else if (w < 0) {
        f.minus = true;
        f.zero = false;
        f.width = -w;
      } else f.width = w;
    } else {
      const start = i;
      while (i < end && format[i]! >= '0' && format[i]! <= '9') i++;
      if (i > start) f.width = Number(format.slice(start, i));
    }
    if (format[i] === '.') {
      i++;
      if (format[i] === '*') {
        i++;
        const p = argNum < args.length ? intArg(args[argNum]) : undefined;
        argNum++;
        if (p === undefined) out += '%!(BADPREC)';
        else f.prec = p < 0 ? -1 : p;
      } else {
        const start = i;
        while (i < end && format[i]! >= '0' && format[i]! <= '9') i++;
        f.prec = Number(format.slice(start, i) || '0');
      }
    }
    if (i >= end) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i)!);
    i += verb.length;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (argNum >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    out += printArg(args[argNum++], verb, f, 0);
  }
  if (argNum < args.length) {
    const extra = args
      .slice(argNum)
      .map((a) => (a === null || a === undefined ? '<nil>' : `${typeName(a)}=${printArg(a, 'v', NO_FLAGS, 0)}`));
    out += `%!(EXTRA ${extra.join(', ')})`;
  }
  return out;
}
