/**
 * Label matchers (SEMANTICS §4.4): `=`, `!=`, `=~`, `!~` with anchored RE2 regexes, and Alertmanager's
 * three parsing modes. `fallback` (the default) tries the UTF-8 parser and the classic one; when only classic
 * succeeds, or both succeed but disagree, the classic result wins (upstream matchers/compat).
 */
import { parseClassicMatcher, parseClassicMatchers } from './matcher-classic.js';
import { type Matcher, MatcherError } from './matcher-core.js';
import { parseUtf8Matchers } from './matcher-utf8.js';

export {
  compareMatchers,
  Matcher,
  MatcherError,
  type MatchType,
  matchersString,
  matchesAll,
  type NameValidationScheme,
  sortMatchers,
  validLabelName,
} from './matcher-core.js';
export { RegexError } from './regex.js';

export type MatcherParseMode = 'fallback' | 'utf8' | 'classic';

/** Receives a note when fallback mode used the classic parser's result. */
export type MatcherWarn = (message: string) => void;

function sameMatchers(a: Matcher[], b: Matcher[]): boolean {
  return a.length === b.length && a.every((m, i) => m.equals(b[i]!));
}

function fallback<T extends Matcher | Matcher[]>(
  input: string,
  utf8: () => T,
  classic: () => T,
  same: (a: T, b: T) => boolean,
  warn?: MatcherWarn,
): T {
  let n: T | undefined;
  let nErr: unknown;
  try {
    n = utf8();
  } catch (e) {
    if (!(e instanceof MatcherError)) throw e;
    nErr = e;
  }
  let c: T | undefined;
  let cErr: unknown;
  try {
    c = classic();
  } catch (e) {
    if (!(e instanceof MatcherError)) throw e;
    cErr = e;
  }
  if (n === undefined) {
    if (c === undefined) throw cErr;
    warn?.(
      `matcher input ${JSON.stringify(input)} is not valid UTF-8 matcher syntax (${(nErr as Error).message}); ` +
        'parsed with the classic parser, please double-quote values and regexes',
    );
    return c;
  }
  if (c !== undefined && !same(n, c)) {
    warn?.(`matcher input ${JSON.stringify(input)} parses differently in the UTF-8 and classic parsers; using classic`);
    return c;
  }
  return n;
}

/** Parse a matcher list such as `{a="1", b=~"x|y"}` (braces optional). Throws MatcherError. */
export function parseMatchers(input: string, mode: MatcherParseMode = 'fallback', warn?: MatcherWarn): Matcher[] {
  if (mode === 'utf8') return parseUtf8Matchers(input);
  if (mode === 'classic') return parseClassicMatchers(input);
  return fallback(
    input,
    () => parseUtf8Matchers(input),
    () => parseClassicMatchers(input),
    sameMatchers,
    warn,
  );
}

/** Parse exactly one matcher (API `filter`, amtool arguments); braces are rejected. Throws MatcherError. */
export function parseMatcher(input: string, mode: MatcherParseMode = 'fallback', warn?: MatcherWarn): Matcher {
  if (mode === 'classic') return parseClassicMatcher(input);
  if (input.startsWith('{') || input.endsWith('}')) {
    throw new MatcherError(`unexpected open or close brace: ${input}`, input.startsWith('{') ? 0 : input.length - 1);
  }
  const utf8 = (): Matcher => {
    const ms = parseUtf8Matchers(input);
    if (ms.length !== 1) throw new MatcherError(`expected 1 matcher, found ${ms.length}`, 0);
    return ms[0]!;
  };
  if (mode === 'utf8') return utf8();
  return fallback(
    input,
    utf8,
    () => parseClassicMatcher(input),
    (a, b) => a.equals(b),
    warn,
  );
}
