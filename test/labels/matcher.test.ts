import { describe, expect, it } from 'vitest';
import { fingerprint, labelSetString } from '../../src/labels/labels.js';
import {
  Matcher,
  MatcherError,
  matchersString,
  matchesAll,
  parseMatcher,
  parseMatchers,
  RegexError,
  validLabelName,
} from '../../src/labels/matcher.js';

const str = (ms: Matcher[]) => ms.map((m) => `${m.name}|${m.type}|${m.value}`);

function errorOf(fn: () => unknown): MatcherError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(MatcherError);
    return e as MatcherError;
  }
  throw new Error('expected a MatcherError');
}

describe('Matcher semantics', () => {
  it('treats a missing label as the empty string', () => {
    expect(new Matcher('foo', '=', '').matches(undefined)).toBe(true);
    expect(new Matcher('foo', '!=', 'x').matches(undefined)).toBe(true);
    expect(new Matcher('foo', '=~', '.*').matches(undefined)).toBe(true);
    expect(new Matcher('foo', '!~', '.+').matches(undefined)).toBe(true);
    expect(new Matcher('foo', '=', 'x').matches(undefined)).toBe(false);
  });

  it('anchors regexes fully and uses RE2 syntax', () => {
    const m = new Matcher('service', '=~', 'web|api');
    expect(m.matches('web')).toBe(true);
    expect(m.matches('webx')).toBe(false);
    expect(m.matches('xapi')).toBe(false);
    expect(new Matcher('a', '=~', '(?P<n>x)+').matches('xxx')).toBe(true);
    expect(new Matcher('a', '=~', '[[:alpha:]]+').matches('abc')).toBe(true);
    expect(new Matcher('a', '=~', '\\pL+').matches('é')).toBe(true);
    expect(new Matcher('a', '=~', '(?i)WEB').matches('web')).toBe(true);
    expect(new Matcher('a', '=~', '.').matches('\n')).toBe(false);
    expect(new Matcher('a', '!~', 'db|cache').matches('web')).toBe(true);
  });

  it('rejects what RE2 rejects, with Go error texts', () => {
    expect(() => new Matcher('a', '=~', '(web')).toThrow('error parsing regexp: missing closing ): `^(?:(web)$`');
    expect(() => new Matcher('a', '=~', 'a(?=b)')).toThrow(RegexError);
    expect(() => new Matcher('a', '=~', '(a)\\1')).toThrow('invalid escape sequence: `\\1`');
    expect(() => new Matcher('a', '=~', 'x{2,1001}')).toThrow('invalid repeat count');
  });

  it('prints per SEMANTICS §0.4', () => {
    expect(new Matcher('a', '=', 'x"y\\z\nw').toString()).toBe('a="x\\"y\\\\z\\nw"');
    expect(new Matcher('a b', '=~', 'x\ty').toString()).toBe('"a b"=~"x\\ty"');
    expect(new Matcher('日本', '!=', 'é').toString()).toBe('日本!="é"');
    expect(new Matcher('a,b', '!~', 'v').toString()).toBe('"a,b"!~"v"');
  });

  it('sorts lists by name, value, type and prints without spaces', () => {
    const ms = [new Matcher('b', '=~', 'x'), new Matcher('a', '!=', '1'), new Matcher('a', '=', '1')];
    expect(matchersString(ms)).toBe('{a="1",a!="1",b=~"x"}');
    expect(matchersString([])).toBe('{}');
  });

  it('ANDs a list', () => {
    const ms = parseMatchers('{env="prod", service=~"web.*"}');
    expect(matchesAll(ms, { env: 'prod', service: 'web1' })).toBe(true);
    expect(matchesAll(ms, { env: 'dev', service: 'web1' })).toBe(false);
    expect(matchesAll([], {})).toBe(true);
  });
});

describe('UTF-8 parser', () => {
  it('parses lists with and without braces, quoted and unquoted', () => {
    expect(str(parseMatchers('{foo="bar", dings!="bums", }', 'utf8'))).toEqual(['foo|=|bar', 'dings|!=|bums']);
    expect(str(parseMatchers('foo=bar,dings!~bums', 'utf8'))).toEqual(['foo|=|bar', 'dings|!~|bums']);
    expect(str(parseMatchers('"a b"=~"\\\\d+"', 'utf8'))).toEqual(['a b|=~|\\d+']);
    expect(str(parseMatchers('service="日本語"', 'utf8'))).toEqual(['service|=|日本語']);
    expect(parseMatchers('', 'utf8')).toEqual([]);
    expect(parseMatchers('{}', 'utf8')).toEqual([]);
    expect(str(parseMatchers('foo=""', 'utf8'))).toEqual(['foo|=|']);
  });

  it.each([
    ['foo=', '0:4: end of input: expected label value', 4],
    ['foo', "0:3: end of input: expected an operator such as '=', '!=', '=~' or '!~'", 3],
    ['{foo="bar"', '0:10: end of input: expected close brace', 10],
    ['foo="bar"}', '0:10: }: expected opening brace', 9],
    ['foo="bar', '4:8: "bar: missing end ": expected label value', 4],
    ['foo!bar', "3:4: !: expected one of '=~': expected an operator such as '=', '!=', '=~' or '!~'", 3],
    ['foo~bar', "3:4: ~: invalid input: expected an operator such as '=', '!=', '=~' or '!~'", 3],
    ['foo="bar" baz="x"', '10:13: unexpected baz: expected a comma or close brace', 10],
    ['foo=="bar"', '4:5: unexpected =: expected label value', 4],
    ['foo=~"(bar"', 'failed to create matcher: error parsing regexp: missing closing ): `^(?:(bar)$`', 5],
    ['foo="\\q"', '4:8: "\\q": invalid input', 4],
    [',', '0:1: unexpected ,: expected label name', 0],
    ['a="1",,', '6:7: unexpected ,: expected a matcher or close brace after comma', 6],
  ])('rejects %j', (input, message, offset) => {
    const e = errorOf(() => parseMatchers(input, 'utf8'));
    expect(e.message).toBe(message);
    expect(e.offset).toBe(offset);
  });
});

describe('classic parser', () => {
  it('parses the tolerant syntax', () => {
    expect(str(parseMatchers('{foo = "bar", dings != "bums", }', 'classic'))).toEqual(['foo|=|bar', 'dings|!=|bums']);
    expect(str(parseMatchers('statuscode=~"5.."', 'classic'))).toEqual(['statuscode|=~|5..']);
    expect(str(parseMatchers('quote="She said: \\"Hi, all\\""', 'classic'))).toEqual(['quote|=|She said: "Hi, all"']);
    expect(str(parseMatchers('foo=', 'classic'))).toEqual(['foo|=|']);
    expect(str(parseMatchers('foo=a\\d', 'classic'))).toEqual(['foo|=|a\\d']);
  });

  it.each([
    ['service=="web"', 'matcher value contains unescaped double quote: ="web"'],
    ['foo="bar', 'matcher value contains unescaped double quote: "bar'],
    ['1foo=bar', 'bad matcher format: 1foo=bar'],
    ['a=b,,c=d', 'bad matcher format: '],
    ['a=~"(x"', 'error parsing regexp: missing closing ): `^(?:(x)$`'],
  ])('rejects %j', (input, message) => {
    expect(errorOf(() => parseMatchers(input, 'classic')).message).toBe(message);
  });
});

describe('fallback mode', () => {
  it('uses the classic result when only classic parses, with a warning', () => {
    const warnings: string[] = [];
    expect(str(parseMatchers('foo=bar baz', 'fallback', (w) => warnings.push(w)))).toEqual(['foo|=|bar baz']);
    expect(warnings).toHaveLength(1);
    expect(() => parseMatchers('foo=bar baz', 'utf8')).toThrow(MatcherError);
  });

  it('prefers classic when both parse but disagree', () => {
    const warnings: string[] = [];
    // Go unquoting turns \x41 into A; the classic parser keeps a spurious escape literally.
    expect(str(parseMatchers('a="\\x41"', 'utf8'))).toEqual(['a|=|A']);
    expect(str(parseMatchers('a="\\x41"', 'classic'))).toEqual(['a|=|\\x41']);
    expect(str(parseMatchers('a="\\x41"', 'fallback', (w) => warnings.push(w)))).toEqual(['a|=|\\x41']);
    expect(warnings[0]).toContain('differently');
  });

  it('reports the classic error when both fail', () => {
    expect(errorOf(() => parseMatchers('service=="web"')).message).toBe(
      'matcher value contains unescaped double quote: ="web"',
    );
  });
});

describe('parseMatcher (single)', () => {
  it('parses one matcher', () => {
    expect(parseMatcher('severity=~"crit.*|info"').toString()).toBe('severity=~"crit.*|info"');
    expect(parseMatcher('alertname=HighLatency').toString()).toBe('alertname="HighLatency"');
  });

  it('gives the API error amtool shows for a garbled filter (transcript alert-query-bad-matcher)', () => {
    expect(errorOf(() => parseMatcher('alertname=severity=~"(bad"')).message).toBe(
      'matcher value contains unescaped double quote: severity=~"(bad"',
    );
  });

  it('rejects braces and lists', () => {
    expect(errorOf(() => parseMatcher('{a="b"}')).message).toBe('unexpected open or close brace: {a="b"}');
    expect(errorOf(() => parseMatcher('a="b"}', 'utf8')).message).toBe('unexpected open or close brace: a="b"}');
    expect(errorOf(() => parseMatcher('a="b",c="d"', 'utf8')).message).toBe('expected 1 matcher, found 2');
    expect(errorOf(() => parseMatcher('', 'utf8')).message).toBe('expected 1 matcher, found 0');
    expect(errorOf(() => parseMatcher('severity=~"(bad"')).message).toBe(
      'error parsing regexp: missing closing ): `^(?:(bad)$`',
    );
  });
});

describe('label names', () => {
  it('validates per scheme', () => {
    expect(validLabelName('bad-label', 'utf8')).toBe(true);
    expect(validLabelName('bad-label', 'legacy')).toBe(false);
    expect(validLabelName('', 'utf8')).toBe(false);
    expect(validLabelName('\ud800', 'utf8')).toBe(false);
    expect(validLabelName('_ok1', 'legacy')).toBe(true);
    expect(validLabelName('1no', 'legacy')).toBe(false);
    expect(validLabelName('a:b', 'legacy')).toBe(false);
  });
});

describe('fingerprint and label-set string vectors (SEMANTICS §0.3, §8)', () => {
  it.each([
    [{}, 'cbf29ce484222325'],
    [{ alertname: 'Watchdog' }, '003b0a0f7d3fa569'],
    [{ alertname: 'HighLatency', cluster: 'eu1' }, '80ba2862db82dbe9'],
    [{ alertname: 'HighLatency', cluster: 'eu1', team: 'frontend' }, '99cc6cb3c35995a6'],
    [{ a: 'é' }, '0019cb2f2449a23e'],
  ])('fingerprint(%j) = %s', (labels, fp) => {
    expect(fingerprint(labels)).toBe(fp);
  });

  it('prints label sets like prometheus/common', () => {
    expect(labelSetString({})).toBe('{}');
    expect(labelSetString({ b: '2', a: '1' })).toBe('{a="1", b="2"}');
    expect(labelSetString({ a: '\x7f' })).toBe('{a="\\x7f"}');
    expect(labelSetString({ service: 'a"b\\c' })).toBe('{service="a\\"b\\\\c"}');
    expect(labelSetString({ a: '日本語' })).toBe('{a="日本語"}');
  });
});
