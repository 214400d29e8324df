/**
 * Go's strconv.Unquote for double-quoted strings, as used by Alertmanager's UTF-8 matcher parser.
 * Returns undefined where Go returns ErrSyntax.
 */
export function goUnquote(quoted: string): string | undefined {
  if (quoted.length < 2 || !quoted.startsWith('"') || !quoted.endsWith('"')) return undefined;
  const body = quoted.slice(1, -1);
  if (body.includes('\n')) return undefined;
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  const pushText = (s: string) => {
    for (const b of encoder.encode(s)) bytes.push(b);
  };
  for (let i = 0; i < body.length; ) {
    const ch = body[i]!;
    if (ch === '"') return undefined;
    if (ch !== '\\') {
      const cp = body.codePointAt(i)!;
      const text = String.fromCodePoint(cp);
      pushText(text);
      i += text.length;
      continue;
    }
    const esc = body[i + 1];
    if (esc === undefined) return undefined;
    i += 2;
    const simple = SIMPLE_ESCAPES[esc];
    if (simple !== undefined) {
      bytes.push(simple);
      continue;
    }
    if (esc === 'x' || esc === 'u' || esc === 'U') {
      const width = esc === 'x' ? 2 : esc === 'u' ? 4 : 8;
      const hex = body.slice(i, i + width);
      if (hex.length !== width || !/^[0-9a-fA-F]+$/.test(hex)) return undefined;
      i += width;
      const v = Number.parseInt(hex, 16);
      if (esc === 'x') {
        bytes.push(v);
        continue;
      }
      if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) return undefined;
      pushText(String.fromCodePoint(v));
      continue;
    }
    if (esc >= '0' && esc <= '7') {
      const oct = body.slice(i - 1, i + 2);
      if (!/^[0-7]{3}$/.test(oct)) return undefined;
      const v = Number.parseInt(oct, 8);
      if (v > 255) return undefined;
      bytes.push(v);
      i += 2;
      continue;
    }
    return undefined;
  }
  // Bytes from \x or octal escapes may form invalid UTF-8; JS strings cannot hold that, so it becomes U+FFFD.
  return new TextDecoder().decode(Uint8Array.from(bytes));
}

const SIMPLE_ESCAPES: Record<string, number> = {
  a: 0x07,
  b: 0x08,
  f: 0x0c,
  n: 0x0a,
  r: 0x0d,
  t: 0x09,
  v: 0x0b,
  '\\': 0x5c,
  '"': 0x22,
};
