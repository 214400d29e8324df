/**
 * Go strconv float formatting ('e', 'f', 'g' with shortest or fixed precision). Rounding to a precision is
 * done on the exact binary value, half to even, like Go (JS toPrecision rounds exact ties up).
 */

interface Decimal {
  d: string; // significant digits, no trailing zeros ('' for zero)
  dp: number; // decimal point position: value = 0.d × 10^dp
}

const view = new DataView(new ArrayBuffer(8));

/** Exact decimal expansion of a finite, non-negative double. */
function exactDecimal(x: number): Decimal {
  if (x === 0) return { d: '', dp: 0 };
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const bexp = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e2: number;
  if (bexp === 0) e2 = -1074;
  else {
    mant |= 1n << 52n;
    e2 = bexp - 1075;
  }
  let digits: string;
  let dp: number;
  if (e2 >= 0) {
    digits = (mant << BigInt(e2)).toString();
    dp = digits.length;
  } else {
    digits = (mant * 5n ** BigInt(-e2)).toString();
    dp = digits.length + e2;
  }
  return trim({ d: digits, dp });
}

function trim(dec: Decimal): Decimal {
  let end = dec.d.length;
  while (end > 0 && dec.d.charCodeAt(end - 1) === 48) end--;
  const d = dec.d.slice(0, end);
  return { d, dp: d === '' ? 0 : dec.dp };
}

/** Shortest digits that round-trip (JS guarantees the same digits as Go's shortest mode). */
function shortestDecimal(x: number): Decimal {
  if (x === 0) return { d: '', dp: 0 };
  const s = x.toExponential();
  const e = s.indexOf('e');
  const d = s.slice(0, e).replace('.', '');
  return trim({ d, dp: Number(s.slice(e + 1)) + 1 });
}

/** Keeps nd significant digits, rounding half to even on the exact digits. */
function roundTo(dec: Decimal, nd: number): Decimal {
  const { d, dp } = dec;
  if (nd < 0) return { d: '', dp: 0 };
  if (nd >= d.length) return dec;
  const next = d.charCodeAt(nd) - 48;
  let up: boolean;
  if (next !== 5) up = next > 5;
  else if (nd + 1 < d.length)
    up = true; // digits after a 5 are non-zero (trimmed)
  else up = nd > 0 && (d.charCodeAt(nd - 1) - 48) % 2 === 1;
  if (!up) return trim({ d: d.slice(0, nd), dp });
  // Round up: increment the kept prefix.
  let i = nd - 1;
  while (i >= 0 && d[i] === '9') i--;
  if (i < 0) return { d: '1', dp: dp + 1 };
  return trim({ d: d.slice(0, i) + String.fromCharCode(d.charCodeAt(i) + 1), dp });
}

/**
 * Rounds the exact value of x to `keep(decimal)` digits. Rounding the shortest round-trip digits gives the same
 * result unless they look like a tie (a final 5) or are long enough for the tie to hide beyond them; only then
 * is the exact (BigInt) expansion needed.
 */
function roundExactly(x: number, keep: (d: Decimal) => number): Decimal {
  const short = shortestDecimal(x);
  const nd = keep(short);
  // Subnormals carry fewer significant bits, so their shortest digits say less about the exact value.
  if (nd < 16 && x >= 2.2250738585072014e-308) {
    if (short.d.length <= nd) return short;
    const tieLike = short.d.length === nd + 1 && short.d.endsWith('5');
    if (!tieLike && short.d.length < 16) return roundTo(short, nd);
  }
  const exact = exactDecimal(x);
  return roundTo(exact, keep(exact));
}

function fmtE(neg: boolean, dec: Decimal, prec: number, eChar: string): string {
  let s = neg ? '-' : '';
  s += dec.d[0] ?? '0';
  if (prec > 0) {
    s += '.';
    for (let i = 1; i <= prec; i++) s += dec.d[i] ?? '0';
  }
  let exp = dec.d === '' ? 0 : dec.dp - 1;
  s += eChar;
  if (exp < 0) {
    s += '-';
    exp = -exp;
  } else s += '+';
  return s + (exp < 10 ? `0${exp}` : String(exp));
}

function fmtF(neg: boolean, dec: Decimal, prec: number): string {
  let s = neg ? '-' : '';
  if (dec.dp > 0) {
    s += dec.d.slice(0, dec.dp);
    for (let i = dec.d.length; i < dec.dp; i++) s += '0';
  } else s += '0';
  if (prec > 0) {
    s += '.';
    for (let i = 1; i <= prec; i++) {
      const j = dec.dp + i - 1;
      s += j >= 0 && j < dec.d.length ? dec.d[j] : '0';
    }
  }
  return s;
}

/** strconv.FormatFloat(x, fmt, prec, 64) for fmt in e E f g G; prec -1 means shortest. */
export function formatFloat(x: number, fmt: 'e' | 'E' | 'f' | 'g' | 'G', prec: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Number.POSITIVE_INFINITY) return '+Inf';
  if (x === Number.NEGATIVE_INFINITY) return '-Inf';
  const neg = x < 0 || Object.is(x, -0);
  const ax = Math.abs(x);
  const shortest = prec < 0;
  let dec: Decimal;
  if (shortest) {
    dec = shortestDecimal(ax);
    if (fmt === 'e' || fmt === 'E') prec = Math.max(dec.d.length - 1, 0);
    else if (fmt === 'f') prec = Math.max(dec.d.length - dec.dp, 0);
    else prec = dec.d.length;
  } else {
    if (fmt === 'g' && prec === 0) prec = 1;
    dec = roundExactly(ax, (d) => (fmt === 'e' || fmt === 'E' ? prec + 1 : fmt === 'f' ? d.dp + prec : prec));
  }
  if (fmt === 'e' || fmt === 'E') return fmtE(neg, dec, prec, fmt);
  if (fmt === 'f') return fmtF(neg, dec, prec);
  let eprec = prec;
  if (eprec > dec.d.length && dec.d.length >= dec.dp) eprec = dec.d.length;
  if (shortest) eprec = 6;
  const exp = dec.dp - 1;
  if (dec.d !== '' && (exp < -4 || exp >= eprec)) {
    if (prec > dec.d.length) prec = dec.d.length;
    return fmtE(neg, dec, prec - 1, fmt === 'g' ? 'e' : 'E');
  }
  if (prec > dec.dp) prec = dec.d.length;
  return fmtF(neg, dec, Math.max(prec - dec.dp, 0));
}

/** Go's %v / Sprint of a float64. */
export const formatFloatV = (x: number): string => formatFloat(x, 'g', -1);
