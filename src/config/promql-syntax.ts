/**
 * Syntax-level helpers for PromQL checking: Prometheus-worded messages for lezer error nodes, and the Go number
 * syntax the lezer grammar lacks.
 */
import type { parser } from '@prometheus-io/lezer-promql';

type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

export interface PromQLError {
  /** Offset into the expression text where the problem starts. */
  offset: number;
  message: string;
}

/**
 * Go's float syntax allows a trailing dot (`1.`, `1.e3`), which the lezer grammar rejects. Rewrites such numbers,
 * outside string literals and comments, to an equivalent of the same length (`1 `, `1e3 `) so offsets stay valid.
 */
const TRAILING_DOT_NUMBER = /(\d+)\.([eE][+-]?\d+)?(?![\w.])/y;

export function normalizeGoFloats(expr: string): string {
  // Most expressions (`0.99`, `1.5`) have no trailing-dot number: skip the scan.
  if (!/\d\.(?!\d)/.test(expr)) return expr;
  let out = '';
  let i = 0;
  while (i < expr.length) {
    const c = expr[i]!;
    if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < expr.length && expr[j] !== c) j += expr[j] === '\\' && c !== '`' ? 2 : 1;
      out += expr.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (c === '#') {
      const end = expr.indexOf('\n', i);
      const j = end < 0 ? expr.length : end;
      out += expr.slice(i, j);
      i = j;
      continue;
    }
    TRAILING_DOT_NUMBER.lastIndex = i;
    const number = TRAILING_DOT_NUMBER.exec(expr);
    if (number && !/[\w.:]/.test(expr[i - 1] ?? '')) {
      out += `${number[1]}${number[2] ?? ''} `;
      i += number[0].length;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

/** Words the first lezer error node like Prometheus' parser would. */
export function describeSyntaxError(expr: string, node: SyntaxNode): PromQLError {
  const rest = expr.slice(node.from).trimStart();
  const at = expr.length - rest.length;
  // An identifier directly followed by `(` is a call of a function the grammar does not know.
  const prev = node.prevSibling;
  if (prev?.name === 'Identifier' && expr[node.from] === '(' && prev.parent?.name === 'VectorSelector') {
    return {
      offset: prev.from,
      message: `unknown function with name ${JSON.stringify(expr.slice(prev.from, prev.to))}`,
    };
  }
  const parent = node.parent;
  if (prev?.name === 'DurationExpr' && (parent?.name === 'MatrixSelector' || parent?.name === 'SubqueryExpr')) {
    return { offset: prev.from, message: `bad duration syntax: ${JSON.stringify(expr.slice(prev.from, prev.to))}` };
  }
  if (rest === '') {
    if (withoutComments(expr).trim() === '') return { offset: 0, message: 'no expression found in input' };
    return { offset: expr.length, message: endOfInputMessage(expr) };
  }
  const token = JSON.stringify(rest.slice(0, tokenLength(rest)));
  if (parent?.name === 'LabelMatchers') {
    return { offset: at, message: `unexpected ${token} in label matching, expected "," or "}"` };
  }
  const item = describeItem(rest);
  if (parent?.name === 'OffsetExpr') return { offset: at, message: `unexpected ${item} in offset, expected duration` };
  return { offset: at, message: `unexpected ${item}` };
}

function withoutComments(expr: string): string {
  return expr.replace(/#[^\n]*/g, '');
}

const OPERATORS = ['==', '!=', '>=', '<=', '=~', '!~', '+', '-', '*', '/', '%', '^', '>', '<', '='];
const WORD_OPERATORS = new Set(['and', 'or', 'unless', 'atan2']);
const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'offset', 'bool']);
const AGGREGATORS = new Set(
  'sum avg count min max group stddev stdvar topk bottomk count_values quantile limitk limit_ratio'.split(' '),
);
const PUNCTUATION: Record<string, string> = {
  '(': "left parenthesis '('",
  ')': "right parenthesis ')'",
  '{': "left brace '{'",
  '}': "right brace '}'",
  '[': "left bracket '['",
  ']': "right bracket ']'",
  ',': "comma ','",
  ':': "colon ':'",
  '@': '<@>',
};

/** The next token as Prometheus' lexer items print themselves (Item.desc): `<op:>>`, `identifier "x"`, … */
function describeItem(rest: string): string {
  const op = OPERATORS.find((o) => rest.startsWith(o));
  if (op) return `<op:${op}>`;
  const punctuation = PUNCTUATION[rest[0]!];
  if (punctuation) return punctuation;
  const word = /^[a-zA-Z_:][\w:]*/.exec(rest)?.[0];
  if (word) {
    const lower = word.toLowerCase();
    if (WORD_OPERATORS.has(lower)) return `<op:${word}>`;
    if (KEYWORDS.has(lower)) return `<${word}>`;
    if (AGGREGATORS.has(lower)) return `<aggr:${word}>`;
    return `identifier ${JSON.stringify(word)}`;
  }
  const duration = /^\d+(ms|[smhdwy])(\d+(ms|[smhdwy]))*(?![\w.])/.exec(rest)?.[0];
  if (duration) return `duration ${JSON.stringify(duration)}`;
  const number = /^(0x[\da-fA-F]+|\d*\.?\d+([eE][+-]?\d+)?)/.exec(rest)?.[0];
  if (number) return `number ${JSON.stringify(number)}`;
  const quote = rest[0];
  if (quote === '"' || quote === "'" || quote === '`') {
    const end = rest.indexOf(quote, 1);
    return `string ${JSON.stringify(end > 0 ? rest.slice(0, end + 1) : rest)}`;
  }
  return JSON.stringify(rest.slice(0, tokenLength(rest)));
}

function tokenLength(rest: string): number {
  const word = /^[\p{L}\p{N}_:.]+/u.exec(rest);
  return word ? word[0].length : 1;
}

/** Which bracket is left open at the end (outside string literals) decides Prometheus' message. */
function endOfInputMessage(expr: string): string {
  const open: string[] = [];
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i]!;
    if (c === '"' || c === "'" || c === '`') {
      const close = c;
      for (i++; i < expr.length && expr[i] !== close; i++) if (expr[i] === '\\' && close !== '`') i++;
    } else if (c === '#') {
      while (i < expr.length && expr[i] !== '\n') i++;
    } else if (c === '(' || c === '[' || c === '{') open.push(c);
    else if (c === ')' || c === ']' || c === '}') open.pop();
  }
  switch (open.at(-1)) {
    case '(':
      return 'unclosed left parenthesis';
    case '[':
      return 'unclosed left bracket';
    case '{':
      return 'unexpected end of input inside braces';
    default:
      return 'unexpected end of input';
  }
}
