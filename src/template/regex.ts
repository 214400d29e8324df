/**
 * Go regular expressions for templates, backed by re2js (a port of RE2), so the syntax and semantics are
 * Go's `regexp` package rather than JavaScript's RegExp:
 *
 * Supported (as in Go RE2): `(?P<name>re)` and `(?<name>re)`, flags `(?i) (?m) (?s) (?U)` and `(?flags:re)`,
 * `\A \z \b \B`, `\Q...\E`, POSIX classes `[[:alpha:]]`, Unicode classes `\pL \p{Greek} \PL`, `\d \s \w`
 * (ASCII only, like Go), lazy quantifiers, bounded repetition up to 1000. `.` does not match `\n` unless `(?s)`.
 * Rejected with Go's error text (so a template fails instead of silently matching differently): backreferences
 * (`\1`), lookahead/lookbehind (`(?=`, `(?!`, `(?<=`, `(?<!`), possessive quantifiers, atomic groups.
 *
 * Differences that remain: matching runs on UTF-16 strings; invalid UTF-8 cannot occur in JS strings, so Go's
 * handling of invalid bytes (matching U+FFFD) is moot. Replacement strings use Go's `Expand` syntax
 * (`$1`, `$name`, `${name}`, `$$`; the longest name wins, so `$1x` is group "1x"; unknown groups expand to "").
 */
import { RE2JS } from 're2js';

const cache = new Map<string, RE2JS>();
const CACHE_LIMIT = 2000;

/** Compiles a Go regexp; throws Error with Go's message (`error parsing regexp: ...`). */
export function compileRegexp(pattern: string): RE2JS {
  let re = cache.get(pattern);
  if (re === undefined) {
    try {
      re = RE2JS.compile(pattern);
    } catch (e) {
      throw new Error(e instanceof Error ? e.message : String(e));
    }
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(pattern, re);
  }
  return re;
}

/** regexp.MatchString: unanchored. */
export function matchString(pattern: string, text: string): boolean {
  return compileRegexp(pattern).matcher(text).find();
}

/** regexp.MustCompile(pattern).ReplaceAllString(src, repl), with MustCompile's panic text on a bad pattern. */
export function replaceAllString(pattern: string, repl: string, src: string): string {
  let re: RE2JS;
  try {
    re = compileRegexp(pattern);
  } catch (e) {
    throw new Error(`regexp: Compile(\`${pattern}\`): ${(e as Error).message}`);
  }
  const names = re.namedGroups();
  const ngroups = re.groupCount();
  const m = re.matcher(src);
  let out = '';
  let lastMatchEnd = 0;
  let searchPos = 0;
  while (searchPos <= src.length) {
    if (!m.find(searchPos)) break;
    const a0 = m.start();
    const a1 = m.end();
    out += src.slice(lastMatchEnd, a0);
    // Go skips an empty match right after a previous match.
    if (a1 > lastMatchEnd || a0 === 0) out += expand(repl, m, names, ngroups);
    lastMatchEnd = a1;
    const cp = src.codePointAt(searchPos);
    const width = cp !== undefined && cp > 0xffff ? 2 : 1;
    if (searchPos + width > a1) searchPos += width;
    else if (searchPos + 1 > a1) searchPos++;
    else searchPos = a1;
  }
  return out + src.slice(lastMatchEnd);
}

interface GroupSource {
  group(i: number): string | null;
}

/** Go's Regexp.Expand template syntax. */
function expand(template: string, m: GroupSource, names: Record<string, number>, ngroups: number): string {
  if (!template.includes('$')) return template;
  let out = '';
  let i = 0;
  while (i < template.length) {
    const d = template.indexOf('$', i);
    if (d < 0) {
      out += template.slice(i);
      break;
    }
    out += template.slice(i, d);
    i = d + 1;
    if (template[i] === '$') {
      out += '$';
      i++;
      continue;
    }
    const brace = template[i] === '{';
    const start = brace ? i + 1 : i;
    let j = start;
    while (j < template.length && /[A-Za-z0-9_]/.test(template[j]!)) j++;
    const name = template.slice(start, j);
    if (name === '' || (brace && template[j] !== '}')) {
      out += '$'; // malformed: the dollar is literal
      continue;
    }
    i = brace ? j + 1 : j;
    let idx = -1;
    if (/^\d+$/.test(name) && name.length < 9) idx = Number(name);
    else if (names[name] !== undefined) idx = names[name]!;
    if (idx >= 0 && idx <= ngroups) out += m.group(idx) ?? '';
  }
  return out;
}

/** regexp.QuoteMeta. */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}
