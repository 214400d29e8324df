/**
 * Alertmanager's UTF-8 matcher parser (matchers/parse): a lexer and a small state machine.
 * Error texts and `col:col` prefixes follow upstream; columns count code points.
 */
import { goUnquote } from './go-unquote.js';
import { Matcher, MatcherError, type MatchType } from './matcher-core.js';
import { RegexError } from './regex.js';

type TokenKind = 'open' | 'close' | 'comma' | 'op' | 'quoted' | 'unquoted' | 'eof';

interface Token {
  kind: TokenKind;
  value: string;
  colStart: number;
  colEnd: number;
}

/** Lexer errors are sticky: once one occurs, every later scan returns it again (as upstream). */
class LexError {
  constructor(
    readonly message: string,
    readonly col: number,
  ) {}
}

const RESERVED = /[\p{White_Space}{}!=~,"'`]/u;

/** Tokenise the whole input up front; the list ends with an eof token or a LexError. */
function lex(input: string): Array<Token | LexError> {
  const runes = Array.from(input);
  const out: Array<Token | LexError> = [];
  let pos = 0;
  const text = (from: number, to: number) => runes.slice(from, to).join('');
  const token = (kind: TokenKind, from: number, to: number): Token => ({
    kind,
    value: text(from, to),
    colStart: from,
    colEnd: to,
  });
  while (pos < runes.length) {
    const r = runes[pos]!;
    const start = pos;
    if (r === '{' || r === '}' || r === ',') {
      out.push(token(r === '{' ? 'open' : r === '}' ? 'close' : 'comma', start, ++pos));
    } else if (r === '!') {
      const next = runes[pos + 1];
      if (next !== '=' && next !== '~') {
        const end = pos + 1;
        const what = end >= runes.length ? 'unexpected end of input,' : `${text(start, end)}:`;
        out.push(new LexError(`${start}:${end}: ${what} expected one of '=~'`, start));
        return out;
      }
      pos += 2;
      out.push(token('op', start, pos));
    } else if (r === '=') {
      pos++;
      if (runes[pos] === '~') pos++;
      out.push(token('op', start, pos));
    } else if (r === '"') {
      pos++;
      let escaped = false;
      while (pos < runes.length) {
        const c = runes[pos]!;
        if (escaped) escaped = false;
        else if (c === '\\') escaped = true;
        else if (c === '"') break;
        pos++;
      }
      if (pos >= runes.length) {
        out.push(new LexError(`${start}:${pos}: ${text(start, pos)}: missing end "`, start));
        return out;
      }
      out.push(token('quoted', start, ++pos));
    } else if (!RESERVED.test(r)) {
      while (pos < runes.length && !RESERVED.test(runes[pos]!)) pos++;
      out.push(token('unquoted', start, pos));
    } else if (/\p{White_Space}/u.test(r)) {
      pos++;
    } else {
      out.push(new LexError(`${start}:${start + 1}: ${r}: invalid input`, start));
      return out;
    }
  }
  out.push({ kind: 'eof', value: '', colStart: pos, colEnd: pos });
  return out;
}

class ParseFailure {
  constructor(
    readonly message: string,
    readonly col: number,
  ) {}
}

class Parser {
  private i = 0;
  /** Column after the last consumed token: where upstream reports "end of input". */
  private consumedCols = 0;
  readonly matchers: Matcher[] = [];
  private hasOpenBrace = false;

  constructor(private readonly tokens: Array<Token | LexError>) {}

  private peek(): Token {
    const t = this.tokens[this.i]!;
    if (t instanceof LexError) throw new ParseFailure(t.message, t.col);
    return t;
  }

  private consume(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') {
      this.i++;
      this.consumedCols = t.colEnd;
    }
    return t;
  }

  private eofFailure(): ParseFailure {
    return new ParseFailure(`0:${this.consumedCols}: end of input`, this.consumedCols);
  }

  /** upstream expectPeek: the next token must be one of kinds; eof is an error. */
  private expectPeek(...kinds: TokenKind[]): Token {
    const t = this.peek();
    if (t.kind === 'eof') throw this.eofFailure();
    if (!kinds.includes(t.kind)) throw new ParseFailure(`${t.colStart}:${t.colEnd}: unexpected ${t.value}`, t.colStart);
    return t;
  }

  private expect(...kinds: TokenKind[]): Token {
    this.expectPeek(...kinds);
    return this.consume();
  }

  /** Run `fn`, prefixing any failure's message with upstream's wrapping text. */
  private wrap<T>(suffix: string, fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof ParseFailure) throw new ParseFailure(`${e.message}: ${suffix}`, e.col);
      throw e;
    }
  }

  private isEof(): boolean {
    return this.peek().kind === 'eof';
  }

  parse(): Matcher[] {
    if (this.isEof()) return this.matchers;
    if (this.peek().kind === 'open') {
      this.consume();
      this.hasOpenBrace = true;
    }
    if (this.isEof() || this.peek().kind === 'close') return this.closeBrace();
    for (;;) {
      this.parseMatcher();
      const t = this.wrap('expected a comma or close brace', () =>
        this.isEof() ? undefined : this.expectPeek('comma', 'close'),
      );
      if (t === undefined || t.kind === 'close') return this.closeBrace();
      this.consume();
      const next = this.wrap('expected a matcher or close brace after comma', () =>
        this.isEof() ? undefined : this.expectPeek('close', 'unquoted', 'quoted'),
      );
      if (next === undefined || next.kind === 'close') return this.closeBrace();
    }
  }

  private closeBrace(): Matcher[] {
    if (this.hasOpenBrace) {
      this.wrap('expected close brace', () => this.expect('close'));
    } else if (this.wrap('expected end of input', () => this.peek()).kind === 'close') {
      this.consume();
      throw new ParseFailure(`0:${this.consumedCols}: }: expected opening brace`, this.consumedCols - 1);
    }
    const t = this.wrap('expected end of input', () => this.peek());
    if (t.kind !== 'eof')
      throw new ParseFailure(`${t.colStart}:${t.colEnd}: ${t.value}: expected end of input`, t.colStart);
    return this.matchers;
  }

  private parseMatcher(): void {
    const nameTok = this.wrap('expected label name', () => this.expect('quoted', 'unquoted'));
    const name = this.unquote(nameTok);
    const opTok = this.wrap("expected an operator such as '=', '!=', '=~' or '!~'", () => this.expect('op'));
    const valueTok = this.wrap('expected label value', () => this.expect('unquoted', 'quoted'));
    const value = this.unquote(valueTok);
    try {
      this.matchers.push(new Matcher(name, opTok.value as MatchType, value));
    } catch (e) {
      if (e instanceof RegexError) throw new ParseFailure(`failed to create matcher: ${e.message}`, valueTok.colStart);
      throw e;
    }
  }

  private unquote(t: Token): string {
    if (t.kind !== 'quoted') return t.value;
    const v = goUnquote(t.value);
    if (v === undefined) throw new ParseFailure(`${t.colStart}:${t.colEnd}: ${t.value}: invalid input`, t.colStart);
    return v;
  }
}

/** Parse a matcher list (`{a="1", b=~"x"}`, braces optional). Throws MatcherError. */
export function parseUtf8Matchers(input: string): Matcher[] {
  try {
    return new Parser(lex(input)).parse();
  } catch (e) {
    if (e instanceof ParseFailure) throw new MatcherError(e.message, codePointToOffset(input, e.col));
    throw e;
  }
}

function codePointToOffset(input: string, col: number): number {
  return Array.from(input).slice(0, col).join('').length;
}
