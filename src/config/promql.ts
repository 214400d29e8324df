/**
 * PromQL checking without a Prometheus server: syntax through @prometheus-io/lezer-promql, plus the cheap
 * semantic checks of Prometheus' parser (promql/parser/parse.go checkAST) that the lezer grammar lets through:
 * unknown functions, argument counts and types, `bool` and grouping misuse, ranges of non-selectors, regex
 * matchers (RE2), operand types. Messages follow Prometheus' wording.
 */
import { parser } from '@prometheus-io/lezer-promql';
import { RE2JS } from 're2js';
import { FUNCTIONS, type ValueType } from './promql-functions.js';
import { describeSyntaxError, normalizeGoFloats, type PromQLError } from './promql-syntax.js';

export type { PromQLError };

type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

/** `L:C` of an offset, as Prometheus prints positions inside an expression (both 1-based). */
export function exprPosition(expr: string, offset: number): string {
  const before = expr.slice(0, offset);
  const line = before.split('\n').length;
  return `${line}:${offset - before.lastIndexOf('\n')}`;
}

/** The first problem of an expression, or null when Prometheus would accept it. */
export function checkPromQL(source: string): PromQLError | null {
  const expr = normalizeGoFloats(source);
  const tree = parser.parse(expr);
  let firstError: SyntaxNode | null = null;
  tree.iterate({
    enter(n) {
      if (firstError) return false;
      if (n.type.isError) firstError = n.node;
      return undefined;
    },
  });
  if (firstError) return describeSyntaxError(expr, firstError);
  const top = tree.topNode.firstChild;
  if (!top) return { offset: 0, message: 'no expression found in input' };
  try {
    new TypeChecker(expr).check(top);
    return null;
  } catch (e) {
    if (e instanceof SemanticError) return { offset: e.offset, message: e.message };
    throw e;
  }
}

/** `could not parse expression: L:C: parse error: <msg>`, the rulefmt wording. */
export function formatPromQLError(expr: string, err: PromQLError): string {
  return `could not parse expression: ${exprPosition(expr, err.offset)}: parse error: ${err.message}`;
}

const regexCache = new Map<string, RE2JS | string>();

/** Prometheus anchors matcher regexes as `^(?s:re)$`; compile errors carry Go's regexp wording. */
function compileMatcherRegex(value: string, offset: number): RE2JS {
  let cached = regexCache.get(value);
  if (cached === undefined) {
    try {
      cached = RE2JS.compile(`^(?s:${value})$`);
    } catch (e) {
      cached = e instanceof Error ? e.message : String(e);
    }
    if (regexCache.size > 10_000) regexCache.clear();
    regexCache.set(value, cached);
  }
  if (typeof cached === 'string') throw new SemanticError(offset, cached);
  return cached;
}

class SemanticError extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

const TYPE_NAMES: Record<ValueType, string> = {
  scalar: 'scalar',
  vector: 'instant vector',
  matrix: 'range vector',
  string: 'string',
};
const COMPARISON_OPS = new Set(['Eql', 'Neq', 'Gtr', 'Lss', 'Gte', 'Lte']);
const SET_OPS = new Set(['And', 'Or', 'Unless']);
const BINARY_OPS = new Set([...COMPARISON_OPS, ...SET_OPS, 'Add', 'Sub', 'Mul', 'Div', 'Mod', 'Pow', 'Atan2']);
const PARAM_AGGREGATIONS = new Set(['Topk', 'Bottomk', 'Quantile', 'CountValues', 'LimitK', 'LimitRatio']);

/** A subset of Prometheus' checkAST, walking the lezer tree and inferring value types. */
class TypeChecker {
  constructor(private readonly expr: string) {}

  private text(n: SyntaxNode): string {
    return this.expr.slice(n.from, n.to);
  }

  private children(n: SyntaxNode): SyntaxNode[] {
    const out: SyntaxNode[] = [];
    for (let c = n.firstChild; c; c = c.nextSibling) out.push(c);
    return out;
  }

  private exprChildren(n: SyntaxNode): SyntaxNode[] {
    return this.children(n).filter((c) => this.isExpr(c));
  }

  private isExpr(n: SyntaxNode): boolean {
    return EXPR_NODES.has(n.name);
  }

  check(n: SyntaxNode): ValueType {
    switch (n.name) {
      case 'NumberDurationLiteral':
        return 'scalar';
      case 'StringLiteral':
        return 'string';
      case 'VectorSelector':
        this.checkSelector(n);
        return 'vector';
      case 'MatrixSelector': {
        const inner = this.exprChildren(n)[0];
        if (inner) this.check(inner);
        if (inner?.name !== 'VectorSelector') {
          const bracket = n.getChild('DurationExpr');
          throw new SemanticError(bracket ? bracket.from - 1 : n.from, 'ranges only allowed for vector selectors');
        }
        this.checkRange(n.getChild('DurationExpr'));
        return 'matrix';
      }
      case 'SubqueryExpr': {
        const inner = this.exprChildren(n)[0];
        const t = inner ? this.check(inner) : 'vector';
        if (t !== 'vector') throw new SemanticError(n.from, `subquery is only allowed on instant vector, got ${t}`);
        for (const d of n.getChildren('DurationExpr')) this.checkRange(d);
        return 'matrix';
      }
      case 'OffsetExpr':
      case 'StepInvariantExpr': {
        this.checkModifiers(n);
        const inner = this.exprChildren(n)[0];
        return inner ? this.check(inner) : 'vector';
      }
      case 'ParenExpr':
      case 'AnchoredExpr':
      case 'SmoothedExpr': {
        const inner = this.exprChildren(n)[0];
        return inner ? this.check(inner) : 'vector';
      }
      case 'UnaryExpr': {
        const inner = this.exprChildren(n)[0];
        const t = inner ? this.check(inner) : 'scalar';
        if (t !== 'scalar' && t !== 'vector') {
          throw new SemanticError(
            n.from,
            `unary expression only allowed on expressions of type scalar or instant vector, got ${JSON.stringify(TYPE_NAMES[t])}`,
          );
        }
        return t;
      }
      case 'BinaryExpr':
        return this.checkBinary(n);
      case 'FunctionCall':
        return this.checkCall(n);
      case 'AggregateExpr':
        return this.checkAggregate(n);
      default:
        return 'vector';
    }
  }

  /** `offset` and `@` apply once each, and only to selectors and subqueries (Prometheus' addOffset/setTimestamp). */
  private checkModifiers(n: SyntaxNode): void {
    let offsets = 0;
    let ats = 0;
    let base: SyntaxNode | undefined = n;
    while (base && (base.name === 'OffsetExpr' || base.name === 'StepInvariantExpr')) {
      if (base.name === 'OffsetExpr') offsets++;
      else ats++;
      base = this.exprChildren(base)[0];
    }
    if (offsets > 1) throw new SemanticError(n.from, 'offset may not be set multiple times');
    if (ats > 1) throw new SemanticError(n.from, '@ <timestamp> may not be set multiple times');
    if (base && !['VectorSelector', 'MatrixSelector', 'SubqueryExpr'].includes(base.name)) {
      const what = n.name === 'OffsetExpr' ? 'offset' : '@';
      throw new SemanticError(
        n.from,
        `${what} modifier must be preceded by an instant vector selector or range vector selector or a subquery`,
      );
    }
  }

  /** A literal range or step of zero (`x[0s]`, `x[5m:0s]`); computed durations are left to the server. */
  private checkRange(range: SyntaxNode | null): void {
    let literal = range?.firstChild;
    let negative = false;
    // `[-5m]`: a unary minus wraps the literal in a nested DurationExpr.
    if (literal?.name === 'UnaryOp' && this.text(literal) === '-') {
      negative = true;
      literal = literal.nextSibling?.firstChild;
    }
    if (!range || !literal || literal.nextSibling || literal.name !== 'NumberDurationLiteralInDurationContext') return;
    const text = this.text(literal);
    if (negative || /^0+(\.0*)?$/.test(text) || /^(0+[a-z]+)+$/.test(text)) {
      throw new SemanticError(range.from, 'duration must be greater than 0');
    }
  }

  private checkSelector(n: SyntaxNode): void {
    const identifier = n.getChild('Identifier');
    let metricName = identifier ? this.text(identifier) : undefined;
    let nonEmpty = identifier !== null;
    // Whether a regex matches '' is costly in re2js, so it is only asked when the selector needs it.
    const regexes: Array<{ re: RE2JS; negated: boolean }> = [];
    const matchers = n.getChild('LabelMatchers');
    for (const m of matchers ? this.children(matchers) : []) {
      if (m.name === 'QuotedLabelName') {
        nonEmpty = true; // `{"metric.name"}`: a metric name
        metricName = this.setMetricName(n, metricName, unquote(this.text(m)));
        continue;
      }
      const op = m.getChild('MatchOp');
      const literal = m.getChild('StringLiteral');
      if (!op || !literal) continue;
      const value = unquote(this.text(literal));
      const nameNode = m.getChild('LabelName') ?? m.getChild('QuotedLabelName');
      const labelName =
        nameNode?.name === 'LabelName' ? this.text(nameNode) : nameNode ? unquote(this.text(nameNode)) : '';
      if (labelName === '__name__') metricName = this.setMetricName(n, metricName, value);
      const opText = this.text(op);
      if (opText === '=~' || opText === '!~') {
        regexes.push({ re: compileMatcherRegex(value, m.from), negated: opText === '!~' });
      } else if ((value === '') !== (opText === '=')) {
        nonEmpty = true; // Prometheus: a selector needs a matcher that does not match the empty string.
      }
    }
    if (!nonEmpty && !regexes.some(({ re, negated }) => re.matches('') === negated)) {
      throw new SemanticError(n.from, 'vector selector must contain at least one non-empty matcher');
    }
  }

  private setMetricName(selector: SyntaxNode, current: string | undefined, name: string): string {
    if (current !== undefined) {
      throw new SemanticError(
        selector.from,
        `metric name must not be set twice: ${JSON.stringify(current)} or ${JSON.stringify(name)}`,
      );
    }
    return name;
  }

  private checkBinary(n: SyntaxNode): ValueType {
    const parts = this.children(n);
    const operands = parts.filter((c) => this.isExpr(c));
    const op = parts.find((c) => BINARY_OPS.has(c.name));
    const [lhs, rhs] = operands;
    if (!lhs || !rhs || !op) return 'vector';
    const lt = this.check(lhs);
    const rt = this.check(rhs);
    const hasBool = parts.some((c) => c.name === 'BoolModifier');
    const matching = parts.find((c) => c.name === 'MatchingModifierClause');
    const opName = this.text(op).toLowerCase();
    // Same checks, same order as Prometheus' checkAST for *BinaryExpr.
    if (hasBool && !COMPARISON_OPS.has(op.name)) {
      throw new SemanticError(op.from, 'bool modifier can only be used on comparison operators');
    }
    if (COMPARISON_OPS.has(op.name) && !hasBool && lt === 'scalar' && rt === 'scalar') {
      throw new SemanticError(op.from, 'comparisons between scalars must use BOOL modifier');
    }
    for (const t of [lt, rt]) {
      if (t !== 'scalar' && t !== 'vector') {
        throw new SemanticError(n.from, 'binary expression must contain only scalar and instant vector types');
      }
    }
    const clause = matching ? this.children(matching) : [];
    const on = clause.some((c) => c.name === 'On');
    const labelsOf = (c: SyntaxNode | undefined) =>
      c
        ? this.children(c)
            .filter((l) => l.name === 'LabelName')
            .map((l) => this.text(l))
        : [];
    const matchingLabels = labelsOf(clause.find((c) => c.name === 'GroupingLabels'));
    const grouping = clause.find((c) => /^Group(Left|Right)$/.test(c.name));
    const include = labelsOf(grouping?.nextSibling?.name === 'GroupingLabels' ? grouping.nextSibling : undefined);
    const both = on ? include.find((l) => matchingLabels.includes(l)) : undefined;
    if (both !== undefined) {
      throw new SemanticError(op.from, `label ${JSON.stringify(both)} must not occur in ON and GROUP clause at once`);
    }
    if (lt !== 'vector' || rt !== 'vector') {
      // An empty `on()` / `ignoring()` next to a scalar is dropped silently; labels in it are an error.
      if (clause.some((c) => c.name === 'GroupingLabels' && c.firstChild !== null)) {
        throw new SemanticError(n.from, 'vector matching only allowed between instant vectors');
      }
    } else if (SET_OPS.has(op.name) && clause.some((c) => /^Group(Left|Right)$/.test(c.name))) {
      throw new SemanticError(n.from, `no grouping allowed for ${JSON.stringify(opName)} operation`);
    }
    if (SET_OPS.has(op.name) && (lt === 'scalar' || rt === 'scalar')) {
      throw new SemanticError(n.from, `set operator ${JSON.stringify(opName)} not allowed in binary scalar expression`);
    }
    return lt === 'scalar' && rt === 'scalar' ? 'scalar' : 'vector';
  }

  private checkCall(n: SyntaxNode): ValueType {
    const ident = n.getChild('FunctionIdentifier');
    const body = n.getChild('FunctionCallBody');
    const name = ident ? this.text(ident) : '';
    const args = body ? this.exprChildren(body) : [];
    const argTypes = args.map((a) => this.check(a));
    const fn = FUNCTIONS[name];
    // A function the grammar knows but this table lacks (newer than the table): trust the grammar.
    if (!fn) return 'vector';
    const nargs = fn.args.length;
    if (fn.variadic === 0) {
      if (args.length !== nargs) {
        throw new SemanticError(
          n.from,
          `expected ${nargs} argument(s) in call to ${JSON.stringify(name)}, got ${args.length}`,
        );
      }
    } else {
      const min = nargs - 1;
      if (args.length < min) {
        throw new SemanticError(
          n.from,
          `expected at least ${min} argument(s) in call to ${JSON.stringify(name)}, got ${args.length}`,
        );
      }
      if (fn.variadic > 0 && args.length > min + fn.variadic) {
        throw new SemanticError(
          n.from,
          `expected at most ${min + fn.variadic} argument(s) in call to ${JSON.stringify(name)}, got ${args.length}`,
        );
      }
    }
    args.forEach((arg, i) => {
      const want = fn.args[Math.min(i, nargs - 1)];
      if (want && argTypes[i] !== want) {
        throw new SemanticError(
          arg.from,
          `expected type ${TYPE_NAMES[want]} in call to function ${JSON.stringify(name)}, got ${TYPE_NAMES[argTypes[i]!]}`,
        );
      }
    });
    return fn.returns;
  }

  private checkAggregate(n: SyntaxNode): ValueType {
    const op = n.getChild('AggregateOp')?.firstChild;
    const body = n.getChild('FunctionCallBody');
    const args = body ? this.exprChildren(body) : [];
    const types = args.map((a) => this.check(a));
    const withParam = op ? PARAM_AGGREGATIONS.has(op.name) : false;
    const expected = withParam ? 2 : 1;
    if (args.length !== expected) {
      throw new SemanticError(
        n.from,
        `wrong number of arguments for aggregate expression provided, expected ${expected}, got ${args.length}`,
      );
    }
    const vectorIndex = expected - 1;
    if (types[vectorIndex] !== 'vector') {
      throw new SemanticError(
        args[vectorIndex]!.from,
        `expected type instant vector in aggregation expression, got ${TYPE_NAMES[types[vectorIndex]!]}`,
      );
    }
    if (withParam) {
      const want: ValueType = op?.name === 'CountValues' ? 'string' : 'scalar';
      if (types[0] !== want) {
        throw new SemanticError(
          args[0]!.from,
          `expected type ${TYPE_NAMES[want]} in aggregation parameter, got ${TYPE_NAMES[types[0]!]}`,
        );
      }
    }
    return 'vector';
  }
}

const EXPR_NODES = new Set([
  'NumberDurationLiteral',
  'StringLiteral',
  'VectorSelector',
  'MatrixSelector',
  'SubqueryExpr',
  'ParenExpr',
  'OffsetExpr',
  'StepInvariantExpr',
  'AnchoredExpr',
  'SmoothedExpr',
  'UnaryExpr',
  'BinaryExpr',
  'FunctionCall',
  'AggregateExpr',
]);

const ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/** Go string-literal unquoting (`"…"`, `'…'`, raw `` `…` ``), enough to read matcher values. */
export function unquote(literal: string): string {
  const body = literal.slice(1, -1);
  if (literal.startsWith('`')) return body;
  return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3}|.)/gs, (_, esc: string) => {
    const c = esc[0]!;
    if (c === 'x' || c === 'u' || c === 'U') return String.fromCodePoint(Number.parseInt(esc.slice(1), 16));
    if (/[0-7]/.test(c)) return String.fromCodePoint(Number.parseInt(esc, 8));
    return ESCAPES[c] ?? esc;
  });
}
