/** A label set: name → value. An empty value means the label is absent. */
export type Labels = Record<string, string>;

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK64 = 0xffffffffffffffffn;
const SEPARATOR = 0xff;
const encoder = new TextEncoder();

function fnvAdd(h: bigint, bytes: Uint8Array): bigint {
  for (const b of bytes) h = ((h ^ BigInt(b)) * FNV_PRIME) & MASK64;
  return h;
}

/** Byte-wise (UTF-8) comparison, which is Go's string order. */
export function compareBytes(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === n) return a.length < b.length ? -1 : 1;
  // UTF-16 order equals UTF-8 byte order except around surrogates (non-BMP text): encode from there.
  const ca = a.charCodeAt(i);
  const cb = b.charCodeAt(i);
  if ((ca & 0xf800) !== 0xd800 && (cb & 0xf800) !== 0xd800) return ca < cb ? -1 : 1;
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

export function sortedNames(labels: Labels): string[] {
  return Object.keys(labels).sort(compareBytes);
}

/** prometheus/common model.LabelSet.Fingerprint (FNV-1a 64 over sorted name 0xff value 0xff), 16 hex digits. */
export function fingerprint(labels: Labels): string {
  let h = FNV_OFFSET;
  const sep = Uint8Array.of(SEPARATOR);
  for (const name of sortedNames(labels)) {
    h = fnvAdd(h, encoder.encode(name));
    h = fnvAdd(h, sep);
    h = fnvAdd(h, encoder.encode(labels[name]!));
    h = fnvAdd(h, sep);
  }
  return h.toString(16).padStart(16, '0');
}

/** Go's strconv.Quote. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    switch (ch) {
      case '"':
        out += '\\"';
        continue;
      case '\\':
        out += '\\\\';
        continue;
      case '\x07':
        out += '\\a';
        continue;
      case '\b':
        out += '\\b';
        continue;
      case '\f':
        out += '\\f';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\t':
        out += '\\t';
        continue;
      case '\v':
        out += '\\v';
        continue;
    }
    if (cp >= 0xd800 && cp <= 0xdfff) out += '\\ufffd';
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (isPrintable(cp)) out += ch;
    else if (cp < 0x10000) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += `\\U${cp.toString(16).padStart(8, '0')}`;
  }
  return out + '"';
}

const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;
function isPrintable(cp: number): boolean {
  if (cp === 0x20) return true;
  if (cp >= 0x80 && cp < 0xa0) return false;
  return !NON_PRINTABLE.test(String.fromCodePoint(cp));
}

/** prometheus/common LabelSet.String(): `{a="1", b="2"}`, names sorted, values Go-quoted. */
export function labelSetString(labels: Labels): string {
  return `{${sortedNames(labels)
    .map((n) => `${n}=${goQuote(labels[n]!)}`)
    .join(', ')}}`;
}
