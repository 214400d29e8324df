import { describe, expect, it } from 'vitest';
import type { RuleConfig, RuleGroupConfig } from '../../src/config/rules/types.js';
import { DatasourceUnreachableError } from '../../src/datasource/errors.js';
import type { QueryResult } from '../../src/datasource/types.js';
import {
  DATASOURCE_DOWN_ALERT,
  emptyGroupState,
  evaluateGroup,
  type GroupEvalDeps,
  type GroupState,
  RULE_FAILING_ALERT,
  ruleKeys,
} from '../../src/rules/group.js';
import { fakeExpand, T0 } from './helpers.js';

const I = 1000;
const alertRule = (over: Partial<RuleConfig> = {}): RuleConfig => ({
  kind: 'alerting',
  name: 'Up',
  expr: 'up == 1',
  forMs: 0,
  keepFiringForMs: 0,
  labels: {},
  annotations: {},
  index: 1,
  ...over,
});
const group = (rules: RuleConfig[], over: Partial<RuleGroupConfig> = {}): RuleGroupConfig => ({
  file: 'r.yml',
  name: 'g',
  intervalMs: I,
  queryOffsetMs: 0,
  limit: 0,
  labels: {},
  rules,
  source: '',
  ...over,
});

function deps(query: GroupEvalDeps['query']): GroupEvalDeps {
  return {
    query,
    expand: fakeExpand,
    clock: () => 0,
    resendDelayMs: 60_000,
    externalLabels: { cluster: 'c1' },
    externalURL: 'http://k',
    onQueryError: 'keep',
    datasourceName: 'http://prom',
  };
}

const up: QueryResult = { samples: [{ labels: { __name__: 'up', job: 'a' }, value: 1 }], warnings: [] };

describe('evaluateGroup', () => {
  it('queries each rule in order at ts − query_offset and keys state by rule identity', async () => {
    const calls: [string, number][] = [];
    const g = group([alertRule(), { ...alertRule({ kind: 'recording', name: 'rec', expr: 'sum(up)' }), index: 2 }], {
      queryOffsetMs: 300,
    });
    const res = await evaluateGroup(
      g,
      emptyGroupState(),
      T0,
      deps(async (e, t) => {
        calls.push([e, t]);
        return up;
      }),
    );
    expect(calls).toEqual([
      ['up == 1', T0 - 300],
      ['sum(up)', T0 - 300],
    ]);
    expect(Object.keys(res.state.rules)).toEqual(ruleKeys(g));
    expect(res.alertsToSend.map((a) => a.labels)).toEqual([{ alertname: 'Up', job: 'a', cluster: 'c1' }]);
    expect(res.state.ts).toBe(T0);
  });

  it('rule keys carry state across reloads for same name+labels, not across renames', () => {
    const a = ruleKeys(group([alertRule(), alertRule()]));
    expect(a[0]).not.toBe(a[1]);
    expect(ruleKeys(group([alertRule({ expr: 'other', forMs: 5 })]))[0]).toBe(a[0]);
    expect(ruleKeys(group([alertRule({ name: 'Other' })]))[0]).not.toBe(a[0]);
    expect(ruleKeys(group([alertRule({ labels: { x: '1' } })]))[0]).not.toBe(a[0]);
  });

  it('fires KlaxonDatasourceDown on the 3rd failed evaluation, keeps alerts firing, resolves on recovery', async () => {
    const g = group([alertRule()]);
    let down = false;
    const d = deps(async () => {
      if (down) throw new DatasourceUnreachableError('connect ECONNREFUSED');
      return up;
    });
    let state: GroupState = emptyGroupState();
    const sent: { i: number; names: string[]; ends: (number | undefined)[] }[] = [];
    for (let i = 0; i < 7; i++) {
      down = i >= 1 && i <= 4;
      const res = await evaluateGroup(g, state, T0 + i * I, d);
      state = res.state;
      sent.push({
        i,
        names: res.alertsToSend.map((a) => a.labels.alertname!),
        ends: res.alertsToSend.map((a) => a.endsAt),
      });
      const upAlert = Object.values(state.rules)[0]!;
      expect(upAlert.kind === 'alerting' && Object.values(upAlert.alerts)[0]!.state).toBe('firing');
    }
    const dsSends = sent.filter((s) => s.names.includes(DATASOURCE_DOWN_ALERT)).map((s) => s.i);
    expect(dsSends[0]).toBe(3); // failures at 1, 2, 3
    expect(dsSends).toContain(5); // resolved once queries succeed again
    const resolved = sent[5]!;
    expect(resolved.ends[resolved.names.indexOf(DATASOURCE_DOWN_ALERT)]).toBe(T0 + 5 * I);
    const ds = Object.values(state.meta[DATASOURCE_DOWN_ALERT]!.alerts)[0]!;
    expect(ds.labels).toEqual({ alertname: DATASOURCE_DOWN_ALERT, datasource: 'http://prom', reason: 'unreachable' });
    expect(sent.filter((s) => s.names.includes(RULE_FAILING_ALERT)).map((s) => s.i)[0]).toBe(3);
    expect(state.lastError).toBe('');
  });

  it('partial_response: abort turns warnings into an evaluation error', async () => {
    const g = group([alertRule()], { partialResponse: 'abort' });
    const res = await evaluateGroup(
      g,
      emptyGroupState(),
      T0,
      deps(async () => ({ ...up, warnings: ['store down'] })),
    );
    expect(res.reports[0]).toMatchObject({ health: 'err', error: 'partial response: store down' });
  });
});
