/** SEMANTICS §3.4 humanize vectors and §3.2 number formatting. */
import { describe, expect, it } from 'vitest';
import { formatFloat, formatFloatV } from '../../src/template/floatfmt.js';
import { sprint, sprintf } from '../../src/template/fmt.js';
import { humanize, humanize1024, humanizeDuration, humanizePercentage } from '../../src/template/humanize.js';
import { expandRuleTemplate } from '../../src/template/rule-templates.js';

// input, humanize, humanize1024, humanizePercentage, humanizeDuration
const TABLE: Array<[number, string, string, string, string]> = [
  [0, '0', '0', '0%', '0s'],
  [0.5, '500m', '0.5', '50%', '500ms'],
  [1, '1', '1', '100%', '1s'],
  [1.0625, '1.062', '1.062', '106.2%', '1.062s'],
  [12.3456, '12.35', '12.35', '1235%', '12.35s'],
  [61.5, '61.5', '61.5', '6150%', '1m 1s'],
  [999.95, '1000', '1000', '1e+05%', '16m 39s'],
  [1234, '1.234k', '1.205ki', '1.234e+05%', '20m 34s'],
  [123456, '123.5k', '120.6ki', '1.235e+07%', '1d 10h 17m 36s'],
  [999999, '1000k', '976.6ki', '1e+08%', '11d 13h 46m 39s'],
  [1e30, '1e+06Y', '8.272e+05Yi', '1e+32%', '1e+30s'],
  [0.001234, '1.234m', '0.001234', '0.1234%', '1.234ms'],
  [1e-5, '10u', '1e-05', '0.001%', '10us'],
  [-1234, '-1.234k', '-1.205ki', '-1.234e+05%', '-20m 34s'],
  [-0.5, '-500m', '-0.5', '-50%', '-500ms'],
  [Number.NaN, 'NaN', 'NaN', 'NaN%', 'NaN'],
];

describe('humanize functions (SEMANTICS §3.4)', () => {
  for (const [v, h, h1024, pct, dur] of TABLE) {
    it(`vector ${v}`, () => {
      expect(humanize(v)).toBe(h);
      expect(humanize1024(v)).toBe(h1024);
      expect(humanizePercentage(v)).toBe(pct);
      expect(humanizeDuration(v)).toBe(dur);
    });
  }
  it('more humanize1024 and humanizeDuration vectors', () => {
    expect([1023, 1024, 1536, 1048576].map(humanize1024)).toEqual(['1023', '1ki', '1.5ki', '1Mi']);
    expect([60, 3600, 90061, 0.000123].map(humanizeDuration)).toEqual(['1m 0s', '1h 0m 0s', '1d 1h 1m 1s', '123us']);
  });
  it('humanizeTimestamp through a rule template', async () => {
    const data = { labels: {}, externalLabels: {}, externalURL: '', value: 1435065584.128 };
    const out = await expandRuleTemplate('T', '{{ $value | humanizeTimestamp }}', data, { evalTimeMs: 0 });
    expect(out).toBe('2015-06-23 13:19:44.128 +0000 UTC');
  });
});

describe('Go number formatting (SEMANTICS §3.2)', () => {
  it('%v of float64: shortest digits, exponent when x < -4 or x >= 21', () => {
    const cases: Array<[number, string]> = [
      [1234567, '1.234567e+06'],
      [123456, '123456'],
      [1e6, '1e+06'],
      [0.0001, '0.0001'],
      [0.00001, '1e-05'],
      [0.1 + 0.2, '0.30000000000000004'],
      [Number.NaN, 'NaN'],
      [Number.POSITIVE_INFINITY, '+Inf'],
      [Number.NEGATIVE_INFINITY, '-Inf'],
      [3, '3'],
      [-0, '-0'],
    ];
    for (const [v, s] of cases) expect(formatFloatV(v)).toBe(s);
  });
  it('%.4g rounds half to even on the exact binary value', () => {
    expect(formatFloat(1.0625, 'g', 4)).toBe('1.062');
    expect((1.0625).toPrecision(4)).toBe('1.063'); // what JS would do
    expect(formatFloat(9999.5, 'g', 4)).toBe('1e+04');
    expect(formatFloat(0.5, 'f', 0)).toBe('0');
    expect(formatFloat(2.5, 'f', 0)).toBe('2');
    expect(formatFloat(2.675, 'f', 2)).toBe('2.67'); // binary value is below the tie
  });
  it('/api/v1 value strings use FormatFloat(v, e, -1)', () => {
    expect([1, 0.5, 1234.5].map((v) => formatFloat(v, 'e', -1))).toEqual(['1e+00', '5e-01', '1.2345e+03']);
  });
  it('Sprint spacing and printf verbs', () => {
    expect(sprint([1n, 2n, 'a', 'b', 3n])).toBe('1 2ab3');
    expect(
      sprintf('%d|%5.2f|%-4s|%x|%q|%t|%e|%08.3f|%+d', [42n, 3.14158, 'ab', 255n, 'hi', true, 1234.5678, -3.14158, 5n]),
    ).toBe('42| 3.14|ab  |ff|"hi"|true|1.234568e+03|-003.142|+5');
    expect(sprintf('%d', [1.5])).toBe('%!d(float64=1.5)');
    expect(sprintf('%s %s', ['a'])).toBe('a %!s(MISSING)');
    expect(sprintf('%s', ['a', 'b'])).toBe('a%!(EXTRA string=b)');
  });
});
