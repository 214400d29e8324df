/** PromQL checking: lezer syntax errors plus the subset of Prometheus' checkAST that promtool reports. */
import { describe, expect, it } from 'vitest';
import { checkPromQL, exprPosition, formatPromQLError, unquote } from '../../src/config/promql.js';

const check = (expr: string) => {
  const err = checkPromQL(expr);
  return err ? formatPromQLError(expr, err) : null;
};

describe('checkPromQL', () => {
  it.each([
    'up',
    'x offset 5m @ 1609746000',
    'rate(x[5m:1m])',
    '{"some.utf8"="x"}',
    '{__name__="up"}',
    'sum by (job) (rate(http_requests_total{code=~"5.."}[5m])) / sum by (job) (rate(http_requests_total[5m])) > 0.05',
    'histogram_quantile(0.99, sum by (le) (rate(x_bucket[5m])))',
    'predict_linear(node_filesystem_avail_bytes[6h], 4 * 3600) < 0',
    'label_replace(up, "a", "$1", "b", "(.*)")',
    'label_join(up, "a", ",", "b", "c", "d")',
    'round(x)',
    'round(x, 0.5)',
    'day_of_week()',
    'topk(3, x)',
    'count_values("v", x)',
    'quantile(0.9, x)',
    '1 > bool 1',
    'time() - 1',
    'vector(1) or up',
    'up{job="a"} unless on(instance) up',
    'a / on(x) group_left(y) b',
    '-up',
    'up == on() 0',
    'up > on() group_left 1',
    '{job=~".+"}',
    'x{job=~"(?i)api"}',
    'absent(up{job="x"})',
    'sum without () (x)',
    'x > 0.',
    '1.e3 < x',
    'x{a="1."} > 1.5 # 2.',
  ])('accepts %s', (expr) => {
    expect(check(expr)).toBeNull();
  });

  it.each([
    ['rate(', '1:6', 'unclosed left parenthesis'],
    ['sum by (job) (x', '1:16', 'unclosed left parenthesis'],
    ['up == 1 and', '1:12', 'unexpected end of input'],
    ['foo{bar="baz"', '1:14', 'unexpected end of input inside braces'],
    ['1 +', '1:4', 'unexpected end of input'],
    ['foo bar', '1:5', 'unexpected identifier "bar"'],
    ['sum(x) sum', '1:8', 'unexpected <aggr:sum>'],
    ['x > 1 5m', '1:7', 'unexpected duration "5m"'],
    ['rat(x[5m])', '1:1', 'unknown function with name "rat"'],
    ['histogram_quantile(0.9)', '1:1', 'expected 2 argument(s) in call to "histogram_quantile", got 1'],
    ['round(x, 1, 2)', '1:1', 'expected at most 2 argument(s) in call to "round", got 3'],
    ['label_replace(up)', '1:1', 'expected 5 argument(s) in call to "label_replace", got 1'],
    ['rate(x)', '1:6', 'expected type range vector in call to function "rate", got instant vector'],
    ['abs("x")', '1:5', 'expected type instant vector in call to function "abs", got string'],
    ['up + bool up', '1:4', 'bool modifier can only be used on comparison operators'],
    ['1 > 1', '1:3', 'comparisons between scalars must use BOOL modifier'],
    ['up and on(job) group_left up', '1:1', 'no grouping allowed for "and" operation'],
    ['vector(1) and 1', '1:1', 'set operator "and" not allowed in binary scalar expression'],
    ['1 + on(x) 2', '1:1', 'vector matching only allowed between instant vectors'],
    ['rate(up[5m][5m])', '1:12', 'ranges only allowed for vector selectors'],
    ['up{job=~"(api"}', '1:4', 'error parsing regexp: missing closing ): `^(?s:(api)$`'],
    ['up{job!~"a(?=b)"}', '1:4', 'error parsing regexp: invalid or unsupported Perl syntax: `(?=`'],
    ['up offset > 0', '1:11', 'unexpected <op:>> in offset, expected duration'],
    ['"up" > 0', '1:1', 'binary expression must contain only scalar and instant vector types'],
    ['x[5m] + 1', '1:1', 'binary expression must contain only scalar and instant vector types'],
    ['-"a"', '1:1', 'unary expression only allowed on expressions of type scalar or instant vector, got "string"'],
    ['rate(x[5x])', '1:8', 'bad duration syntax: "5"'],
    ['sum(x, y)', '1:1', 'wrong number of arguments for aggregate expression provided, expected 1, got 2'],
    ['topk(x)', '1:1', 'wrong number of arguments for aggregate expression provided, expected 2, got 1'],
    ['count_values(3, x)', '1:14', 'expected type string in aggregation parameter, got scalar'],
    ['sum(rate(x[5m]))[5m]', '1:17', 'ranges only allowed for vector selectors'],
    ['{job=""}', '1:1', 'vector selector must contain at least one non-empty matcher'],
    ['{job=~".*"}', '1:1', 'vector selector must contain at least one non-empty matcher'],
    ['foo{__name__="bar"}', '1:1', 'metric name must not be set twice: "foo" or "bar"'],
    ['a * on(x) group_left(x) b', '1:3', 'label "x" must not occur in ON and GROUP clause at once'],
    ['x[0s:1m]', '1:3', 'duration must be greater than 0'],
    ['x[-3m]', '1:3', 'duration must be greater than 0'],
    ['x[5m:-1m]', '1:6', 'duration must be greater than 0'],
    [
      'sum(up) offset 5m',
      '1:1',
      'offset modifier must be preceded by an instant vector selector or range vector selector or a subquery',
    ],
    [
      '(up) @ 100',
      '1:1',
      '@ modifier must be preceded by an instant vector selector or range vector selector or a subquery',
    ],
    ['up offset 5m @ 1 offset 1m', '1:1', 'offset may not be set multiple times'],
    ['# just a comment', '1:1', 'no expression found in input'],
  ])('rejects %s at %s: %s', (expr, pos, message) => {
    expect(check(expr)).toBe(`could not parse expression: ${pos}: parse error: ${message}`);
  });

  it('gives positions relative to multi-line expressions', () => {
    const expr = 'sum(\n  rate(x[5m])\n) >';
    expect(check(expr)).toBe('could not parse expression: 3:4: parse error: unexpected end of input');
    expect(exprPosition('a\nbc', 3)).toBe('2:2');
  });

  it('never ignores an error at the end of the input', () => {
    expect(checkPromQL('rate(')).toEqual({ offset: 5, message: 'unclosed left parenthesis' });
  });

  it('unquotes Go string literals', () => {
    expect(unquote('"a\\"b\\n\\x41\\u00e9"')).toBe('a"b\nAé');
    expect(unquote("'it\\'s'")).toBe("it's");
    expect(unquote('`raw\\n`')).toBe('raw\\n');
  });
});
