import { compareBytes, goQuote, type Labels } from './labels.js';
import { type CompiledRegex, compileAnchored } from './regex.js';

export type MatchType = '=' | '!=' | '=~' | '!~';

/** Alertmanager's MatchType order (Equal, NotEqual, Regexp, NotRegexp), used to sort matcher lists. */
const TYPE_ORDER: Record<MatchType, number> = { '=': 0, '!=': 1, '=~': 2, '!~': 3 };

/** A matcher string that could not be parsed. `offset` is the 0-based character offset of the problem. */
export class MatcherError extends Error {
  override name = 'MatcherError';
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** One label matcher. Regex matchers are RE2, anchored `^(?:value)$`; construction throws RegexError if invalid. */
export class Matcher {
  private readonly re: CompiledRegex | undefined;

  constructor(
    readonly name: string,
    readonly type: MatchType,
    readonly value: string,
  ) {
    this.re = type === '=~' || type === '!~' ? compileAnchored(value) : undefined;
  }

  /** A missing label matches as the empty string. */
  matches(value: string | undefined): boolean {
    const v = value ?? '';
    switch (this.type) {
      case '=':
        return v === this.value;
      case '!=':
        return v !== this.value;
      case '=~':
        return this.re!.test(v);
      case '!~':
        return !this.re!.test(v);
    }
  }

  /** SEMANTICS §0.4: OpenMetrics escaping, or strconv.Quote on both sides when the name needs quoting. */
  toString(): string {
    if (NAME_NEEDS_QUOTING.test(this.name)) return `${goQuote(this.name)}${this.type}${goQuote(this.value)}`;
    return `${this.name}${this.type}"${openMetricsEscape(this.value)}"`;
  }

  equals(other: Matcher): boolean {
    return this.name === other.name && this.type === other.type && this.value === other.value;
  }
}

const NAME_NEEDS_QUOTING = /[\p{White_Space}{}!=~,\\"'`]/u;

function openMetricsEscape(s: string): string {
  return s.replace(/[\\\n"]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

/** Alertmanager's labels.Matchers order: name, then value (byte-wise), then type. */
export function compareMatchers(a: Matcher, b: Matcher): number {
  return compareBytes(a.name, b.name) || compareBytes(a.value, b.value) || TYPE_ORDER[a.type] - TYPE_ORDER[b.type];
}

export function sortMatchers(ms: readonly Matcher[]): Matcher[] {
  return [...ms].sort(compareMatchers);
}

/** `{a="1",b=~"x"}`: sorted, comma-separated, no space (Alertmanager labels.Matchers.String). */
export function matchersString(ms: readonly Matcher[]): string {
  return `{${sortMatchers(ms)
    .map((m) => m.toString())
    .join(',')}}`;
}

export function matchesAll(ms: readonly Matcher[], labels: Labels): boolean {
  for (const m of ms) if (!m.matches(labels[m.name])) return false;
  return true;
}

export type NameValidationScheme = 'utf8' | 'legacy';

const LEGACY_LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** SEMANTICS §0.2: UTF-8 mode accepts any non-empty valid UTF-8; legacy requires `[a-zA-Z_][a-zA-Z0-9_]*`. */
export function validLabelName(name: string, scheme: NameValidationScheme): boolean {
  if (scheme === 'legacy') return LEGACY_LABEL_NAME.test(name);
  return name.length > 0 && name.isWellFormed();
}
