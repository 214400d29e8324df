/** Go literal syntax: strconv.Unquote, UnquoteChar, ParseInt(base 0) and ParseFloat. */

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
};

/** Decodes the escapes of a Go interpreted literal body; returns null on bad syntax. */
function decodeEscapes(body: string, quote: string): string | null {
  let out = '';
  const bytes: number[] = [];
  const flushBytes = () => {
    if (bytes.length > 0) {
      out += Buffer.from(bytes).toString('utf8');
      bytes.length = 0;
    }
  };
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === quote) return null;
    if (c === '\n') return null;
    if (c !== '\\') {
      flushBytes();
      out += c;
      continue;
    }
    const e = body[++i];
    if (e === undefined) return null;
    if (SIMPLE_ESCAPES[e] !== undefined) {
      flushBytes();
      out += SIMPLE_ESCAPES[e];
    } else if (e === quote) {
      flushBytes();
      out += e;
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + n);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== n) return null;
      i += n;
      const v = Number.parseInt(hex, 16);
      if (e === 'x') bytes.push(v);
      else {
        if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) return null;
        flushBytes();
        out += String.fromCodePoint(v);
      }
    } else if (e >= '0' && e <= '7') {
      const oct = body.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(oct)) return null;
      const v = Number.parseInt(oct, 8);
      if (v > 255) return null;
      i += 2;
      bytes.push(v);
    } else return null;
  }
  flushBytes();
  return out;
}

/** strconv.Unquote for "..." and `...` literals. */
export function unquoteGo(q: string): string | null {
  if (q.length < 2) return null;
  const first = q[0];
  if (first !== q[q.length - 1]) return null;
  const body = q.slice(1, -1);
  if (first === '`') return body.includes('`') ? null : body.replace(/\r/g, '');
  if (first !== '"') return null;
  if (!body.includes('\\') && !body.includes('"') && !body.includes('\n')) return body;
  return decodeEscapes(body, '"');
}

/** A Go character constant `'x'` → its code point, or null. */
export function unquoteChar(q: string): number | null {
  if (q.length < 3 || q[0] !== "'" || q[q.length - 1] !== "'") return null;
  const body = q.slice(1, -1);
  if (body[0] !== '\\') {
    const cps = [...body];
    return cps.length === 1 ? cps[0]!.codePointAt(0)! : null;
  }
  if (body === "\\'") return 39;
  // \xHH and octal escapes denote a byte value, not UTF-8.
  const byteEsc = /^\\(?:x([0-9a-fA-F]{2})|([0-7]{3}))$/.exec(body);
  if (byteEsc) return Number.parseInt(byteEsc[1] ?? byteEsc[2]!, byteEsc[1] ? 16 : 8);
  const s = decodeEscapes(body, "'");
  const cps = s === null ? [] : [...s];
  return cps.length === 1 ? cps[0]!.codePointAt(0)! : null;
}

/** strconv.ParseInt(text, 0, 64) without the range check; null on syntax error. */
export function parseGoInt(text: string): bigint | null {
  const m = /^([+-]?)(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|0[0-7_]*|[1-9][0-9_]*)$/.exec(text);
  if (!m) return null;
  let body = m[2]!;
  if (!underscoreOK(body)) return null;
  body = body.replace(/_/g, '');
  let v: bigint;
  if (/^0[oO]/.test(body)) v = BigInt(`0o${body.slice(2)}`);
  else if (/^0[0-7]+$/.test(body)) v = BigInt(`0o${body.slice(1)}`);
  else v = BigInt(body);
  return m[1] === '-' ? -v : v;
}

// Go: underscores only between digits or after a base prefix.
function underscoreOK(s: string): boolean {
  if (!s.includes('_')) return true;
  let body = s;
  if (/^0[xXbBoO]/.test(s)) body = s.slice(2).replace(/^_/, '');
  else if (s.startsWith('0')) body = s.slice(1).replace(/^_/, '');
  return !/__|^_|_$/.test(body);
}

/** strconv.ParseFloat(text, 64); null on syntax or range error. */
export function parseGoFloat(text: string): number | null {
  let s = text;
  if (s.includes('_')) {
    if (!/^[+-]?(0[xX])?[0-9a-fA-F]/.test(s) || /__|_$|_[.eEpP]|[.eEpP]_/.test(s)) return null;
    s = s.replace(/_/g, '');
  }
  const hexm = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?\d+)$/.exec(s);
  if (hexm) {
    const intPart = hexm[2] ?? '';
    const frac = hexm[3] ?? '';
    if (intPart === '' && frac === '') return null;
    const mant = Number.parseInt(intPart + frac || '0', 16);
    const v = mant * 2 ** (Number(hexm[4]) - 4 * frac.length);
    if (!Number.isFinite(v)) return null;
    return hexm[1] === '-' ? -v : v;
  }
  const m = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.exec(s);
  if (m) {
    const v = Number(s);
    return Number.isFinite(v) ? v : null;
  }
  const lower = s.toLowerCase();
  if (/^[+-]?(inf|infinity)$/.test(lower)) return lower.startsWith('-') ? -Infinity : Infinity;
  if (lower === 'nan') return Number.NaN;
  return null;
}

export interface NumberValue {
  isInt: boolean;
  isUint: boolean;
  isFloat: boolean;
  isComplex: boolean;
  int: bigint;
  uint: bigint;
  float: number;
}

/** Go's parse.newNumber: every interpretation of a numeric or character constant, or the error text. */
export function parseNumberLiteral(text: string, isChar: boolean): NumberValue | string {
  const n: NumberValue = { isInt: false, isUint: false, isFloat: false, isComplex: false, int: 0n, uint: 0n, float: 0 };
  if (isChar) {
    const r = unquoteChar(text);
    if (r === null) return `malformed character constant: ${text}`;
    n.isInt = n.isUint = n.isFloat = true;
    n.int = n.uint = BigInt(r);
    n.float = r;
    return n;
  }
  if (text.endsWith('i')) return `complex constants are not supported: ${text}`;
  const i = parseGoInt(text);
  if (i !== null) {
    if (i >= 0n && i < 2n ** 64n) {
      n.isUint = true;
      n.uint = i;
    }
    if (i >= -(2n ** 63n) && i < 2n ** 63n) {
      n.isInt = true;
      n.int = i;
    }
  }
  if (n.isInt || n.isUint) {
    n.isFloat = true;
    n.float = Number(n.isInt ? n.int : n.uint);
  } else {
    const f = parseGoFloat(text);
    if (f !== null) {
      if (!/[.eEpP]/.test(text)) return `integer overflow: ${JSON.stringify(text)}`;
      n.isFloat = true;
      n.float = f;
      if (Number.isInteger(f) && Math.abs(f) < 2 ** 63) {
        n.isInt = true;
        n.int = BigInt(f);
      }
      if (Number.isInteger(f) && f >= 0 && f < 2 ** 64) {
        n.isUint = true;
        n.uint = BigInt(f);
      }
    }
  }
  if (!n.isInt && !n.isUint && !n.isFloat) return `illegal number syntax: ${JSON.stringify(text)}`;
  return n;
}
