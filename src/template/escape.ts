/** The escaping built-ins of text/template (html, js, urlquery) and url.QueryEscape. */

const HTML_ESC: Record<string, string> = {
  '<': '&lt;',
  '>': '&gt;',
  '&': '&amp;',
  "'": '&#39;',
  '"': '&#34;',
  '\0': '\uFFFD',
};

/** template.HTMLEscapeString. */
export function htmlEscape(s: string): string {
  return /[<>&'"\0]/.test(s) ? s.replace(/[<>&'"\0]/g, (c) => HTML_ESC[c]!) : s;
}

const hex4 = (c: number) => `\\u${c.toString(16).toUpperCase().padStart(4, '0')}`;

/** template.JSEscapeString. */
export function jsEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    switch (ch) {
      case '\\':
        out += '\\\\';
        continue;
      case "'":
        out += "\\'";
        continue;
      case '"':
        out += '\\"';
        continue;
      case '<':
      case '>':
      case '&':
      case '=':
        out += hex4(c);
        continue;
    }
    if (c < 0x20) out += hex4(c);
    else if (c < 0x80 || /\p{L}|\p{M}|\p{N}|\p{P}|\p{S}|\p{Zs}/u.test(ch)) out += ch;
    else out += c > 0xffff ? `\\U${c.toString(16).toUpperCase().padStart(8, '0')}` : hex4(c);
  }
  return out;
}

const UNRESERVED = /[A-Za-z0-9\-_.~]/;

/** url.QueryEscape (form encoding: space → '+'). */
export function queryEscape(s: string): string {
  let out = '';
  for (const b of Buffer.from(s)) {
    const ch = String.fromCharCode(b);
    if (b < 0x80 && UNRESERVED.test(ch)) out += ch;
    else if (ch === ' ') out += '+';
    else out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** url.PathEscape-like escaping is not needed; url.QueryUnescape (form decoding). */
export function queryUnescape(s: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '%') {
      const h = s.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(h)) {
        let bad = s.slice(i, i + 3);
        if (bad.length < 3) bad = s.slice(i);
        throw new Error(`invalid URL escape ${JSON.stringify(bad)}`);
      }
      bytes.push(Number.parseInt(h, 16));
      i += 2;
    } else if (c === '+') bytes.push(0x20);
    else for (const b of Buffer.from(c)) bytes.push(b);
  }
  return Buffer.from(bytes).toString('utf8');
}
