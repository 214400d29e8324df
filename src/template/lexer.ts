/** Lexer for Go text/template (a port of text/template/parse/lex.go, default delimiters only). */

export enum T {
  Error,
  Bool,
  Char,
  CharConstant,
  Assign,
  Declare,
  EOF,
  Field,
  Identifier,
  LeftDelim,
  LeftParen,
  Number,
  Pipe,
  RawString,
  RightDelim,
  RightParen,
  Space,
  String,
  Text,
  Variable,
  // keywords
  Block,
  Break,
  Continue,
  Dot,
  Define,
  Else,
  End,
  If,
  Nil,
  Range,
  Template,
  With,
}

export interface Token {
  t: T;
  pos: number;
  val: string;
  line: number;
}

const KEYWORDS: Record<string, T> = {
  '.': T.Dot,
  block: T.Block,
  break: T.Break,
  continue: T.Continue,
  define: T.Define,
  else: T.Else,
  end: T.End,
  if: T.If,
  range: T.Range,
  nil: T.Nil,
  template: T.Template,
  with: T.With,
};

const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const UNICODE_ALNUM = /^[\p{L}\p{Nd}]$/u;
function isAlnum(c: string): boolean {
  const code = c.charCodeAt(0);
  if (code < 0x80)
    return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95;
  return UNICODE_ALNUM.test(c);
}

/** Tokenizes the whole input eagerly; the parser reads the array. */
export function lex(input: string): Token[] {
  const out: Token[] = [];
  let pos = 0;
  let start = 0;
  let line = 1;
  let startLine = 1;
  let parenDepth = 0;
  let insideAction = false;

  const emit = (t: T, val = input.slice(start, pos)) => {
    out.push({ t, pos: start, val, line: startLine });
    start = pos;
    startLine = line;
  };
  const ignore = () => {
    for (let i = start; i < pos; i++) if (input.charCodeAt(i) === 10) line++;
    start = pos;
    startLine = line;
  };
  const errorf = (msg: string) => {
    out.push({ t: T.Error, pos: start, val: msg, line: startLine });
    return false;
  };
  // Advances pos and tracks lines for consumed characters.
  const next = (): string => {
    if (pos >= input.length) {
      pos++;
      return '';
    }
    const c = input[pos++]!;
    if (c === '\n') line++;
    return c;
  };
  const backup = () => {
    pos--;
    if (pos < input.length && input[pos] === '\n') line--;
  };
  const peek = () => (pos < input.length ? input[pos]! : '');

  const trimLeft = (i: number) => i + 2 < input.length && input[i + 2] === '-' && isSpace(input[i + 3] ?? 'x');

  // Returns false when lexing must stop (error or EOF).
  const lexText = (): boolean => {
    const x = input.indexOf('{{', pos);
    if (x < 0) {
      for (let i = pos; i < input.length; i++) if (input[i] === '\n') line++;
      pos = input.length;
      if (pos > start) {
        out.push({ t: T.Text, pos: start, val: input.slice(start, pos), line: startLine });
      }
      start = pos;
      startLine = line;
      out.push({ t: T.EOF, pos, val: '', line });
      return false;
    }
    let textEnd = x;
    const trim = trimLeft(x);
    if (trim) while (textEnd > start && isSpace(input[textEnd - 1]!)) textEnd--;
    for (let i = pos; i < x; i++) if (input[i] === '\n') line++;
    pos = x;
    if (textEnd > start) out.push({ t: T.Text, pos: start, val: input.slice(start, textEnd), line: startLine });
    start = pos;
    startLine = line;
    return lexLeftDelim(trim);
  };

  const atRightDelim = (): [boolean, boolean] => {
    if (isSpace(input[pos] ?? '') && input[pos + 1] === '-' && input.startsWith('}}', pos + 2)) return [true, true];
    if (input.startsWith('}}', pos)) return [true, false];
    return [false, false];
  };

  const lexLeftDelim = (trim: boolean): boolean => {
    pos += 2;
    const afterMarker = trim ? 2 : 0;
    if (input.startsWith('/*', pos + afterMarker)) {
      pos += afterMarker;
      start = pos; // comment: skip marker
      return lexComment();
    }
    emit(T.LeftDelim);
    pos += afterMarker;
    ignore();
    parenDepth = 0;
    insideAction = true;
    return true;
  };

  const lexComment = (): boolean => {
    pos += 2;
    const x = input.indexOf('*/', pos);
    if (x < 0) return errorf('unclosed comment');
    pos = x + 2;
    const [delim, trimSpace] = atRightDelim();
    if (!delim) return errorf('comment ends before closing delimiter');
    pos += trimSpace ? 4 : 2;
    ignore();
    if (trimSpace) {
      while (pos < input.length && isSpace(input[pos]!)) pos++;
      ignore();
    }
    return true;
  };

  const lexRightDelim = (trimSpace: boolean) => {
    if (trimSpace) {
      pos += 2;
      ignore();
    }
    pos += 2;
    emit(T.RightDelim);
    if (trimSpace) {
      while (pos < input.length && isSpace(input[pos]!)) pos++;
      ignore();
    }
    insideAction = false;
  };

  const scanNumber = (): boolean => {
    if (peek() === '+' || peek() === '-') pos++;
    let digits = '0123456789_';
    if (input[pos] === '0') {
      const n = input[pos + 1]?.toLowerCase();
      if (n === 'x') {
        pos += 2;
        digits = '0123456789abcdefABCDEF_';
      } else if (n === 'o') {
        pos += 2;
        digits = '01234567_';
      } else if (n === 'b') {
        pos += 2;
        digits = '01_';
      }
    }
    const run = (set: string) => {
      while (pos < input.length && set.includes(input[pos]!)) pos++;
    };
    run(digits);
    if (input[pos] === '.') {
      pos++;
      run(digits);
    }
    if (digits.length === 11 && 'eE'.includes(input[pos] ?? 'x')) {
      pos++;
      if ('+-'.includes(input[pos] ?? 'x')) pos++;
      run('0123456789_');
    }
    if (digits.length === 23 && 'pP'.includes(input[pos] ?? 'x')) {
      pos++;
      if ('+-'.includes(input[pos] ?? 'x')) pos++;
      run('0123456789_');
    }
    if (input[pos] === 'i') pos++;
    if (pos < input.length && isAlnum(input[pos]!)) {
      pos++;
      return false;
    }
    return true;
  };

  const lexQuote = (): boolean => {
    for (;;) {
      let c = next();
      if (c === '\\') {
        c = next();
        if (c !== '' && c !== '\n') continue;
      }
      if (c === '' || c === '\n') return errorf('unterminated quoted string');
      if (c === '"') break;
    }
    emit(T.String);
    return true;
  };

  const lexInsideAction = (): boolean => {
    const [delim, trimSpace] = atRightDelim();
    if (delim) {
      if (parenDepth === 0) {
        lexRightDelim(trimSpace);
        return true;
      }
      return errorf('unclosed left paren');
    }
    const c = next();
    if (c === '') return errorf('unclosed action');
    if (isSpace(c)) {
      backup();
      // lexSpace: a run of spaces; a space followed by "-}}" is the trim marker, not a Space token.
      let numSpaces = 0;
      while (pos < input.length && isSpace(input[pos]!)) {
        next();
        numSpaces++;
      }
      if (input[pos] === '-' && input.startsWith('}}', pos + 1)) {
        backup();
        if (numSpaces === 1) return true;
      }
      emit(T.Space);
      return true;
    }
    if (c === '=') {
      emit(T.Assign);
      return true;
    }
    if (c === ':') {
      if (next() !== '=') return errorf('expected :=');
      emit(T.Declare);
      return true;
    }
    if (c === '|') {
      emit(T.Pipe);
      return true;
    }
    if (c === '"') return lexQuote();
    if (c === '`') {
      const x = input.indexOf('`', pos);
      if (x < 0) return errorf('unterminated raw quoted string');
      for (let i = pos; i < x; i++) if (input[i] === '\n') line++;
      pos = x + 1;
      emit(T.RawString);
      return true;
    }
    if (c === '$') return lexVariable();
    if (c === "'") {
      for (;;) {
        let r = next();
        if (r === '\\') {
          r = next();
          if (r !== '' && r !== '\n') continue;
        }
        if (r === '' || r === '\n') return errorf('unterminated character constant');
        if (r === "'") break;
      }
      emit(T.CharConstant);
      return true;
    }
    if (c === '.') {
      if (pos < input.length && input[pos]! >= '0' && input[pos]! <= '9') {
        backup();
        return lexNumber();
      }
      return lexField(T.Field);
    }
    if (c === '+' || c === '-' || (c >= '0' && c <= '9')) {
      backup();
      return lexNumber();
    }
    if (isAlnum(c)) {
      backup();
      return lexIdentifier();
    }
    if (c === '(') {
      emit(T.LeftParen);
      parenDepth++;
      return true;
    }
    if (c === ')') {
      parenDepth--;
      if (parenDepth < 0) return errorf(`unexpected right paren ${goRuneU(c)}`);
      emit(T.RightParen);
      return true;
    }
    const cp = c.codePointAt(0)!;
    if (cp <= 0x7f && cp >= 0x20) {
      emit(T.Char);
      return true;
    }
    return errorf(`unrecognized character in action: ${goRuneU(c)}`);
  };

  const lexNumber = (): boolean => {
    if (!scanNumber()) return errorf(`bad number syntax: "${input.slice(start, pos)}"`);
    emit(T.Number);
    return true;
  };

  const atTerminator = () => {
    const r = peek();
    if (r === '' || isSpace(r) || '.,|:)('.includes(r)) return true;
    return input.startsWith('}}', pos);
  };

  const lexIdentifier = (): boolean => {
    while (pos < input.length && isAlnum(input[pos]!)) pos++;
    if (!atTerminator()) return errorf(`bad character ${goRuneU(peek())}`);
    const word = input.slice(start, pos);
    const kw = KEYWORDS[word];
    if (kw !== undefined && kw > T.Variable && kw !== T.Dot) emit(kw);
    else if (word === 'true' || word === 'false') emit(T.Bool);
    else emit(T.Identifier);
    return true;
  };

  const lexField = (t: T): boolean => {
    if (atTerminator()) {
      emit(t === T.Variable ? T.Variable : T.Dot);
      return true;
    }
    while (pos < input.length && isAlnum(input[pos]!)) pos++;
    if (!atTerminator()) return errorf(`bad character ${goRuneU(peek())}`);
    emit(t);
    return true;
  };

  const lexVariable = (): boolean => {
    if (atTerminator()) {
      emit(T.Variable);
      return true;
    }
    return lexField(T.Variable);
  };

  for (;;) {
    const ok = insideAction ? lexInsideAction() : lexText();
    if (!ok) break;
  }
  return out;
}

/** Go's %#U: `U+0023 '#'`. */
export function goRuneU(c: string): string {
  if (c === '') return 'U+FFFFFFFF';
  const cp = c.codePointAt(0)!;
  const hex = cp.toString(16).toUpperCase().padStart(4, '0');
  return cp >= 0x20 && cp !== 0x7f ? `U+${hex} '${c}'` : `U+${hex}`;
}
