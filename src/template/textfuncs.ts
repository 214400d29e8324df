/** String helpers shared by the Prometheus and Alertmanager function maps. */

/** unicode.ToUpper per rune (Go keeps runes whose upper case is several runes, e.g. ß). */
export function toUpperGo(s: string): string {
  if (/^[\x00-\x7f]*$/.test(s)) return s.toUpperCase();
  let out = '';
  for (const ch of s) {
    const u = ch.toUpperCase();
    out += [...u].length === 1 ? u : ch;
  }
  return out;
}

export function toLowerGo(s: string): string {
  if (/^[\x00-\x7f]*$/.test(s)) return s.toLowerCase();
  let out = '';
  for (const ch of s) {
    const l = ch.toLowerCase();
    out += [...l].length === 1 ? l : ch;
  }
  return out;
}

const WORDISH = /[\p{L}\p{N}\p{M}_]/u;
const CASED = /[\p{Lu}\p{Ll}\p{Lt}]/u;
// UAX #29 MidLetter/MidNum/MidNumLet characters that keep a word together between word characters.
const MID = new Set(["'", '.', ':', '·', '’', ',', ';', '\u2018', '\u2024', '\uFE52', '\uFF07', '\uFF0E']);

/**
 * golang.org/x/text/cases Title: the first cased letter of each word is upper-cased; with `lowerRest` the
 * remaining letters are lower-cased (Alertmanager), otherwise kept (Prometheus' cases.NoLower).
 */
export function titleCase(s: string, lowerRest: boolean): string {
  const chars = [...s];
  let out = '';
  let inWord = false;
  let needTitle = true;
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    let wordish = WORDISH.test(ch);
    if (!wordish && inWord && MID.has(ch) && i + 1 < chars.length && WORDISH.test(chars[i + 1]!)) wordish = true;
    if (!wordish) {
      inWord = false;
      out += ch;
      continue;
    }
    if (!inWord) {
      inWord = true;
      needTitle = true;
    }
    if (needTitle && CASED.test(ch)) {
      out += toUpperGo(ch);
      needTitle = false;
    } else out += lowerRest ? toLowerGo(ch) : ch;
  }
  return out;
}

/** net.SplitHostPort; null on error. */
export function splitHostPort(hp: string): [string, string] | null {
  const i = hp.lastIndexOf(':');
  if (i < 0) return null;
  if (hp[0] === '[') {
    const end = hp.indexOf(']');
    if (end < 0 || end + 1 !== i) return null;
    return [hp.slice(1, end), hp.slice(i + 1)];
  }
  const host = hp.slice(0, i);
  if (host.includes(':') || host.includes('[') || host.includes(']')) return null;
  return [host, hp.slice(i + 1)];
}

const isIP = (h: string) =>
  /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(h)
    ? h.split('.').every((p) => Number(p) <= 255)
    : /^[0-9a-fA-F:.]+$/.test(h) && h.includes(':');

export function stripPort(hp: string): string {
  const r = splitHostPort(hp);
  return r === null ? hp : r[0];
}

export function stripDomain(hp: string): string {
  const r = splitHostPort(hp);
  const host = r === null ? hp : r[0];
  const port = r === null ? '' : r[1];
  if (isIP(host)) return hp;
  const first = host.split('.')[0]!;
  if (port !== '') return first.includes(':') ? `[${first}]:${port}` : `${first}:${port}`;
  return first;
}
