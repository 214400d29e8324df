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
  if (body[0] === '\\') {
    if (body[1] === "'") return body.length === 2 ? 39 : null;
    const s = decodeEscapes(body, "'");
    if (s === null) return null;
    const cps = [...s];
    if (cps.length !== 1) {
      // \xHH or octal form one byte each: a single byte escape is its value.
      const m = /^\\(?:x([0-9a-fA-F]{2})|([0-7]{3}))$/.exec(body);
      if (m) return Number.parseInt(m[1] ?? m[2]!, m[1] ? 16 : 8);
      return null;
    }
    const m = /^\\(?:x([0-9a-fA-F]{2})|([0-7]{3}))$/.exec(body);
    if (m) return Number.parseInt(m[1] ?? m[2]!, m[1] ? 16 : 8);
    return cps[0]!.codePointAt(0)!;
  }
  const cps = [...body];
  if (cps.length !== 1) return null;
  return cps[0]!.codePointAt(0)!;
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
  let hex = false;
  if (/^0[xXbBoO]/.test(s)) {
    hex = /^0[xX]/.test(s);
    body = s.slice(2);
    if (body.startsWith('_')) body = body.slice(1);
  } else if (s.startsWith('0')) body = s.slice(1).replace(/^_/, '');
  void hex;
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
