import { describe, expect, it } from 'vitest';
import type { RuleConfig, RuleGroupConfig } from '../../src/config/rules/types.js';
import {
  ApiError,
  buildAlertsResponse,
  buildRulesResponse,
  formatApiTime,
  formatApiValue,
  groupNextToken,
  type RulesQuery,
} from '../../src/rules/api.js';
import { emptyGroupState, type GroupState, ruleKeys } from '../../src/rules/group.js';
import { parseRulesQuery } from '../../src/rules/routes.js';
import { emptyAlertingState } from '../../src/rules/types.js';

describe('value and time formats (§3.2, §0.5)', () => {
  it.each([
    [1, '1e+00'],
    [0.5, '5e-01'],
    [1234.5, '1.2345e+03'],
    [0, '0e+00'],
    [-2.5e-7, '-2.5e-07'],
    [1e100, '1e+100'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, '+Inf'],
    [Number.NEGATIVE_INFINITY, '-Inf'],
  ])('formats %d as %s', (v, s) => expect(formatApiValue(v)).toBe(s));

  it('drops trailing fractional zeros and prints the zero time', () => {
    expect(formatApiTime(Date.parse('2026-08-22T10:00:00.120Z'))).toBe('2026-08-22T10:00:00.12Z');
    expect(formatApiTime(Date.parse('2026-08-22T10:00:00.000Z'))).toBe('2026-08-22T10:00:00Z');
    expect(formatApiTime(0)).toBe('0001-01-01T00:00:00Z');
  });
});

const rule = (name: string, kind: RuleConfig['kind'] = 'alerting'): RuleConfig => ({
  kind,
  name,
  expr: 'up',
  forMs: 0,
  keepFiringForMs: 0,
  labels: { b: '2', a: '1' },
  annotations: {},
  index: 1,
});
const group = (file: string, name: string, rules: RuleConfig[]): RuleGroupConfig => ({
  file,
  name,
  intervalMs: 10_000,
  queryOffsetMs: 0,
  limit: 0,
  labels: {},
  rules,
  source: name,
});
const groups = [
  group('b.yml', 'g1', [rule('R1')]),
  group('a.yml', 'g2', [rule('R2'), rule('rec', 'recording')]),
  group('a.yml', 'g1', [rule('R3')]),
];
const idOf = (g: RuleGroupConfig) => `${g.file};${g.name}`;
const q = (over: Partial<RulesQuery> = {}): RulesQuery => ({
  ruleNames: [],
  ruleGroups: [],
  files: [],
  excludeAlerts: false,
  matchers: [],
  ...over,
});

describe('/api/v1/rules data', () => {
  it('sorts groups by file then name, defaults unevaluated rules, sorts labels', () => {
    const data = buildRulesResponse(groups, new Map(), idOf, q());
    expect(data.groups.map((g) => `${g.file};${g.name}`)).toEqual(['a.yml;g1', 'a.yml;g2', 'b.yml;g1']);
    expect(data.groups[0]).toEqual({
      name: 'g1',
      file: 'a.yml',
      rules: [
        {
          state: 'unknown',
          name: 'R3',
          query: 'up',
          duration: 0,
          keepFiringFor: 0,
          labels: { a: '1', b: '2' },
          annotations: {},
          alerts: [],
          health: 'unknown',
          evaluationTime: 0,
          lastEvaluation: '0001-01-01T00:00:00Z',
          type: 'alerting',
        },
      ],
      interval: 10,
      limit: 0,
      evaluationTime: 0,
      lastEvaluation: '0001-01-01T00:00:00Z',
    });
    expect(Object.keys(data.groups[0]!.rules[0]!.labels)).toEqual(['a', 'b']);
  });

  it('filters by type, rule group, file and rule name, omitting empty groups', () => {
    const names = (d: ReturnType<typeof buildRulesResponse>) => d.groups.flatMap((g) => g.rules.map((r) => r.name));
    expect(names(buildRulesResponse(groups, new Map(), idOf, q({ type: 'record' })))).toEqual(['rec']);
    expect(names(buildRulesResponse(groups, new Map(), idOf, q({ ruleGroups: ['g1'], files: ['b.yml'] })))).toEqual([
      'R1',
    ]);
    expect(names(buildRulesResponse(groups, new Map(), idOf, q({ ruleNames: ['R2', 'R3'] })))).toEqual(['R3', 'R2']);
  });

  it('paginates with group_limit and group_next_token', () => {
    const first = buildRulesResponse(groups, new Map(), idOf, q({ groupLimit: 2 }));
    expect(first.groups).toHaveLength(2);
    expect(first.groupNextToken).toBe(groupNextToken('b.yml', 'g1'));
    const second = buildRulesResponse(
      groups,
      new Map(),
      idOf,
      q({ groupLimit: 2, groupNextToken: first.groupNextToken }),
    );
    expect(second.groups.map((g) => g.file)).toEqual(['b.yml']);
    expect(second.groupNextToken).toBeUndefined();
    expect(() => buildRulesResponse(groups, new Map(), idOf, q({ groupLimit: 2, groupNextToken: 'nope' }))).toThrow(
      "invalid group_next_token 'nope'. were rule groups changed?",
    );
    expect(() => buildRulesResponse(groups, new Map(), idOf, q({ groupNextToken: 'x' }))).toThrow(ApiError);
  });

  it('parses repeated parameters in both spellings and rejects bad values', () => {
    expect(
      parseRulesQuery({ 'rule_name[]': ['a', 'b'], file: 'f', exclude_alerts: 'TRUE', type: 'alert' }),
    ).toMatchObject({
      ruleNames: ['a', 'b'],
      files: ['f'],
      excludeAlerts: true,
      type: 'alert',
    });
    expect(() => parseRulesQuery({ type: 'both' })).toThrow('not supported value "both"');
    expect(() => parseRulesQuery({ group_limit: '0' })).toThrow(ApiError);
    expect(() => parseRulesQuery({ 'match[]': '{a=' })).toThrow(ApiError);
  });
});

describe('/api/v1/alerts data', () => {
  it('lists unresolved alerts only, with keepFiringSince when set', () => {
    const g = groups[1]!;
    const st: GroupState = emptyGroupState();
    const rs = emptyAlertingState();
    const base = { annotations: { s: 'x' }, value: 3, firedAt: 0, lastSentAt: 0, validUntil: 0 };
    rs.alerts.f1 = {
      ...base,
      state: 'firing',
      labels: { z: '1', alertname: 'R2' },
      activeAt: 1000,
      resolvedAt: 0,
      keepFiringSince: 5000,
    };
    rs.alerts.f2 = {
      ...base,
      state: 'inactive',
      labels: { alertname: 'R2', x: 'y' },
      activeAt: 1000,
      resolvedAt: 9000,
      keepFiringSince: 0,
    };
    st.rules[ruleKeys(g)[0]!] = rs;
    const data = buildAlertsResponse(groups, new Map([[idOf(g), st]]), idOf);
    expect(data.alerts).toEqual([
      {
        labels: { alertname: 'R2', z: '1' },
        annotations: { s: 'x' },
        state: 'firing',
        activeAt: '1970-01-01T00:00:01Z',
        keepFiringSince: '1970-01-01T00:00:05Z',
        value: '3e+00',
      },
    ]);
  });
});
