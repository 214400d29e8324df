/** Alertmanager's classic matcher parser (pkg/labels/parse.go), kept for the fallback and `classic` modes. */
import { Matcher, MatcherError, type MatchType } from './matcher-core.js';
import { RegexError } from './regex.js';

// Go's \s is [\t\n\f\r ]; the value is everything up to trailing whitespace.
const MATCHER_RE = /^[\t\n\f\r ]*([a-zA-Z_:][a-zA-Z0-9_:]*)[\t\n\f\r ]*(=~|=|!=|!~)[\t\n\f\r ]*([\s\S]*?)[\t\n\f\r ]*$/;

export function parseClassicMatcher(input: string): Matcher {
  const m = MATCHER_RE.exec(input);
  if (!m) throw new MatcherError(`bad matcher format: ${input}`, 0);
  const raw = m[3]!;
  // The lazy value group never ends in whitespace, so it ends where the trailing whitespace starts.
  const valueOffset = input.replace(/[\t\n\f\r ]+$/, '').length - raw.length;
  let rawValue = raw;
  let expectTrailingQuote = false;
  if (rawValue.startsWith('"')) {
    rawValue = rawValue.slice(1);
    expectTrailingQuote = true;
  }
  let value = '';
  let escaped = false;
  for (let i = 0; i < rawValue.length; i++) {
    const c = rawValue[i]!;
    if (escaped) {
      escaped = false;
      if (c === 'n') value += '\n';
      else if (c === '"' || c === '\\') value += c;
      // A spurious escape keeps its backslash.
      else value += `\\${c}`;
      continue;
    }
    if (c === '\\') {
      if (i < rawValue.length - 1) escaped = true;
      else value += '\\';
    } else if (c === '"') {
      if (!expectTrailingQuote || i < rawValue.length - 1) {
        throw new MatcherError(`matcher value contains unescaped double quote: ${raw}`, valueOffset);
      }
      expectTrailingQuote = false;
    } else {
      value += c;
    }
  }
  if (expectTrailingQuote) throw new MatcherError(`matcher value contains unescaped double quote: ${raw}`, valueOffset);
  try {
    return new Matcher(m[1]!, m[2] as MatchType, value);
  } catch (e) {
    if (e instanceof RegexError) throw new MatcherError(e.message, valueOffset);
    throw e;
  }
}

/** Comma-separated list; `{`/`}` optional; commas inside unescaped double quotes do not split. */
export function parseClassicMatchers(input: string): Matcher[] {
  let s = input.startsWith('{') ? input.slice(1) : input;
  if (s.endsWith('}')) s = s.slice(0, -1);
  const tokens: string[] = [];
  let insideQuotes = false;
  let escaped = false;
  let token = '';
  for (const r of s) {
    if (r === ',' && !insideQuotes) {
      tokens.push(token);
      token = '';
      continue;
    }
    if (r === '"') {
      if (!escaped) insideQuotes = !insideQuotes;
      else escaped = false;
    } else if (r === '\\') {
      escaped = !escaped;
    } else {
      escaped = false;
    }
    token += r;
  }
  const last = token.trim();
  if (last !== '') tokens.push(last);
  return tokens.map(parseClassicMatcher);
}
