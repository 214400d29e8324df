import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/labels/labels.js';
import {
  type AlertingEvalOptions,
  type AlertingRuleSpec,
  alertingRuleStateName,
  DUPLICATE_ALERT_LABELSET,
  evaluateAlertingRule,
  goQueryEscape,
} from '../../src/rules/alerting.js';
import {
  type AlertingRuleState,
  emptyAlertingState,
  type PostableAlert,
  type QueryOutcome,
} from '../../src/rules/types.js';
import { MIN, none, opts, rule, samples, T0 } from './helpers.js';

const group = (over: Partial<{ labels: Record<string, string>; limit: number; intervalMs: number }> = {}) => ({
  labels: {},
  limit: 0,
  intervalMs: MIN,
  ...over,
});

/** Runs a sequence of evaluations; `outcomes[i]` is evaluated at `start + i·interval`. */
async function run(
  r: AlertingRuleSpec,
  outcomes: QueryOutcome[],
  o: AlertingEvalOptions = opts(),
  g = group(),
  start = T0,
  initial: AlertingRuleState = emptyAlertingState(),
) {
  let state = initial;
  const steps: { ts: number; state: AlertingRuleState; sent: PostableAlert[]; error?: string }[] = [];
  for (const [i, outcome] of outcomes.entries()) {
    const ts = start + i * g.intervalMs;
    const res = await evaluateAlertingRule(r, g, state, outcome, ts, o);
    state = res.state;
    steps.push({ ts, state, sent: res.alertsToSend, error: res.error });
  }
  return steps;
}

const one = samples([{ __name__: 'load', instance: 'a' }, 2]);
const only = (s: AlertingRuleState) => {
  const alerts = Object.values(s.alerts);
  expect(alerts.length).toBeLessThanOrEqual(1);
  return alerts[0];
};

describe('pending → firing (§2.3 step 4.4)', () => {
  it('for: 0 fires on the first evaluation that sees the alert and sends it', async () => {
    const [s] = await run(rule(), [one]);
    const a = only(s!.state)!;
    expect(a).toMatchObject({ state: 'firing', activeAt: T0, firedAt: T0, lastSentAt: T0, validUntil: T0 + 4 * MIN });
    expect(s!.sent).toEqual([
      {
        labels: { alertname: 'HighLoad', instance: 'a' },
        annotations: {},
        startsAt: T0,
        endsAt: T0 + 4 * MIN,
        generatorURL: 'http://klaxon.example/graph?g0.expr=load+%3E+1&g0.tab=1',
      },
    ]);
  });

  it('for: 10m at 1m stays pending (never sent) and fires on the 11th evaluation, at T0+10m', async () => {
    const steps = await run(rule({ forMs: 10 * MIN }), Array(12).fill(one));
    for (const s of steps.slice(0, 10)) {
      expect(only(s.state)!.state).toBe('pending');
      expect(only(s.state)!.activeAt).toBe(T0);
      expect(s.sent).toEqual([]);
    }
    expect(only(steps[10]!.state)).toMatchObject({ state: 'firing', firedAt: T0 + 10 * MIN, activeAt: T0 });
    expect(steps[10]!.sent[0]!.startsAt).toBe(T0 + 10 * MIN);
  });

  it('a pending alert missing once is deleted and its timer restarts', async () => {
    const steps = await run(rule({ forMs: 2 * MIN }), [one, one, none, one, one, one]);
    expect(only(steps[2]!.state)).toBeUndefined();
    expect(steps[2]!.sent).toEqual([]);
    expect(only(steps[3]!.state)).toMatchObject({ state: 'pending', activeAt: T0 + 3 * MIN });
    expect(only(steps[4]!.state)!.state).toBe('pending');
    expect(only(steps[5]!.state)).toMatchObject({ state: 'firing', firedAt: T0 + 5 * MIN });
  });

  it('updates value and annotations of an active alert but keeps activeAt', async () => {
    const r = rule({ forMs: 5 * MIN, annotations: { summary: 'load is {{ $value }}' } });
    const steps = await run(r, [samples([{ instance: 'a' }, 2]), samples([{ instance: 'a' }, 3])]);
    expect(only(steps[1]!.state)).toMatchObject({ value: 3, annotations: { summary: 'load is 3' }, activeAt: T0 });
  });
});

describe('firing → inactive, retention and resend (§2.3 step 4.1, §2.10)', () => {
  it('resolves when missing: resolvedAt = ts, sent at once with endsAt = resolvedAt', async () => {
    const steps = await run(rule(), [one, none]);
    expect(only(steps[1]!.state)).toMatchObject({ state: 'inactive', resolvedAt: T0 + MIN, firedAt: T0 });
    expect(steps[1]!.sent).toEqual([expect.objectContaining({ startsAt: T0, endsAt: T0 + MIN })]);
  });

  it('keeps a resolved alert 15m, resending on the cadence, and deletes it before sending once ts − resolvedAt > 15m', async () => {
    const steps = await run(rule(), [one, ...Array(18).fill(none)]);
    const resolvedAt = T0 + MIN;
    const sends = steps.filter((s) => s.sent.length > 0 && s.ts >= resolvedAt).map((s) => (s.ts - resolvedAt) / MIN);
    expect(sends).toEqual([0, 2, 4, 6, 8, 10, 12, 14]);
    expect(only(steps[16]!.state)!.state).toBe('inactive'); // ts − resolvedAt = 15m: not yet > 15m
    expect(only(steps[17]!.state)).toBeUndefined(); // 16m
    expect(steps[17]!.sent).toEqual([]);
  });

  it('a retained resolved alert that reappears is a new pending alert with a new activeAt', async () => {
    const steps = await run(rule({ forMs: MIN }), [one, one, none, one, one]);
    expect(only(steps[2]!.state)!.state).toBe('inactive');
    expect(only(steps[3]!.state)).toMatchObject({
      state: 'pending',
      activeAt: T0 + 3 * MIN,
      firedAt: 0,
      resolvedAt: 0,
    });
    expect(steps[3]!.sent).toEqual([]);
    expect(only(steps[4]!.state)).toMatchObject({ state: 'firing', firedAt: T0 + 4 * MIN });
  });

  it.each([
    [MIN, MIN, 2 * MIN],
    [30_000, MIN, 90_000],
    [15_000, MIN, 75_000],
  ])(
    'interval %i, resend %i: firing alert re-sent every %i ms with endsAt 4·max after each send',
    async (interval, resend, every) => {
      const steps = await run(
        rule(),
        Array(13).fill(one),
        opts({ resendDelayMs: resend }),
        group({ intervalMs: interval }),
      );
      const sendTimes = steps.filter((s) => s.sent.length > 0).map((s) => s.ts - T0);
      expect(sendTimes.slice(0, 3)).toEqual([0, every, 2 * every]);
      for (const s of steps.filter((x) => x.sent.length > 0)) {
        expect(s.sent[0]!.endsAt).toBe(s.ts + 4 * Math.max(interval, resend));
      }
    },
  );
});

describe('keep_firing_for (§2.3 steps 4.1–4.2)', () => {
  const r = rule({ keepFiringForMs: 5 * MIN, annotations: { v: '{{ $value }}' } });

  it('K=5m at 1m, first miss at T: firing T…T+4m with the last value, resolved at T+5m', async () => {
    const steps = await run(r, [samples([{ instance: 'a' }, 7]), ...Array(6).fill(none)]);
    const T = T0 + MIN;
    for (let i = 1; i <= 5; i++) {
      expect(only(steps[i]!.state)).toMatchObject({
        state: 'firing',
        keepFiringSince: T,
        value: 7,
        annotations: { v: '7' },
      });
    }
    expect(only(steps[6]!.state)).toMatchObject({ state: 'inactive', resolvedAt: T + 5 * MIN, keepFiringSince: T });
    expect(steps[6]!.sent[0]!.endsAt).toBe(T + 5 * MIN);
  });

  it('clears keepFiringSince when the series comes back', async () => {
    const steps = await run(r, [one, none, none, one, none]);
    expect(only(steps[2]!.state)!.keepFiringSince).toBe(T0 + MIN);
    expect(only(steps[3]!.state)).toMatchObject({ state: 'firing', keepFiringSince: 0, activeAt: T0 });
    expect(only(steps[4]!.state)!.keepFiringSince).toBe(T0 + 4 * MIN);
  });

  it('does not keep pending alerts', async () => {
    const steps = await run(rule({ forMs: 5 * MIN, keepFiringForMs: 5 * MIN }), [one, none]);
    expect(only(steps[1]!.state)).toBeUndefined();
  });
});

describe('for raised by a reload (§2.3 step 4.5)', () => {
  it('a firing alert younger than the new for goes back to pending and is not sent', async () => {
    const [first] = await run(rule(), [one]);
    const steps = await run(rule({ forMs: 3 * MIN }), [one, one, one], opts(), group(), T0 + MIN, first!.state);
    expect(only(steps[0]!.state)).toMatchObject({ state: 'pending', firedAt: 0, lastSentAt: 0, activeAt: T0 });
    expect(steps[0]!.sent).toEqual([]);
    expect(only(steps[2]!.state)).toMatchObject({ state: 'firing', firedAt: T0 + 3 * MIN });
  });
});

describe('labels and annotations (§2.3 step 2, §2.4)', () => {
  it('series < group < rule labels < alertname; __name__ dropped; empty expansion deletes; templates see __name__', async () => {
    const r = rule({
      labels: { severity: 'page', team: '{{ $labels.team }}-x', instance: '', metric: '{{ $labels.__name__ }}' },
      annotations: { empty: '', summary: '{{ $labels.instance }} {{ $externalLabels.cluster }}' },
    });
    const g = group({ labels: { severity: 'ticket', env: 'prod' } });
    const out = samples([{ __name__: 'load', instance: 'a', team: 't', alertname: 'other', env: 'dev' }, 1]);
    const [s] = await run(r, [out], opts({ externalLabels: { cluster: 'eu1', env: 'ext' } }), g);
    const a = only(s!.state)!;
    expect(a.labels).toEqual({ alertname: 'HighLoad', env: 'prod', severity: 'page', team: 't-x', metric: 'load' });
    expect(a.annotations).toEqual({ empty: '', summary: 'a eu1' });
    expect(Object.keys(s!.state.alerts)).toEqual([fingerprint(a.labels)]);
    // External labels only where missing, and only on the wire.
    expect(s!.sent[0]!.labels).toEqual({ ...a.labels, cluster: 'eu1' });
  });

  it('a duplicate label set after applying alert labels fails and leaves state untouched', async () => {
    const r = rule({ forMs: MIN, labels: { instance: 'same' } });
    const [first] = await run(r, [one]);
    const dup = samples([{ instance: 'a' }, 1], [{ instance: 'b' }, 1]);
    const res = await evaluateAlertingRule(r, group(), first!.state, dup, T0 + MIN, opts());
    expect(res.error).toBe(DUPLICATE_ALERT_LABELSET);
    expect(res.health).toBe('err');
    expect(res.state.alerts).toEqual(first!.state.alerts);
    expect(res.alertsToSend).toEqual([]);
  });

  it('a label that changes every evaluation makes a new alert each time that never fires', async () => {
    const r = rule({ forMs: MIN, labels: { v: '{{ $value }}' } });
    const steps = await run(r, [samples([{}, 1]), samples([{}, 2]), samples([{}, 3])]);
    expect(Object.values(steps[2]!.state.alerts).map((a) => a.state)).toEqual(['pending']);
  });
});

describe('limit (§2.7)', () => {
  it('over the limit drops every alert and fails; within it, alerts come back as new pending', async () => {
    const g = group({ limit: 1 });
    const two = samples([{ instance: 'a' }, 1], [{ instance: 'b' }, 1]);
    const steps = await run(rule({ forMs: MIN }), [one, one, two, one], opts(), g);
    expect(only(steps[1]!.state)!.state).toBe('firing');
    expect(steps[2]!.error).toBe('exceeded limit of 1 with 2 alerts');
    expect(steps[2]!.state.alerts).toEqual({});
    expect(steps[2]!.sent).toEqual([]);
    expect(only(steps[3]!.state)).toMatchObject({ state: 'pending', activeAt: T0 + 3 * MIN });
  });

  it('counts keep-firing alerts', async () => {
    const g = group({ limit: 1 });
    const b = samples([{ instance: 'b' }, 1]);
    const steps = await run(rule({ keepFiringForMs: 5 * MIN }), [one, b], opts(), g);
    expect(steps[1]!.error).toBe('exceeded limit of 1 with 2 alerts');
  });
});

describe('query errors (§2.6)', () => {
  const err: QueryOutcome = { ok: false, error: new Error('connection refused') };

  it('keep: state untouched, firing alerts re-sent on the cadence, pending neither sent nor advanced', async () => {
    const r = rule({ forMs: 0 });
    const pendingRule = rule({ name: 'Slow', forMs: 10 * MIN });
    const steps = await run(r, [one, err, err, err, err, one]);
    expect(steps.slice(1, 5).map((s) => only(s.state)!.state)).toEqual(['firing', 'firing', 'firing', 'firing']);
    expect(steps[1]!.state.health).toBe('err');
    expect(steps[1]!.state.lastError).toBe('connection refused');
    expect(steps[4]!.state.consecutiveFailures).toBe(4);
    expect(steps.map((s) => s.sent.length)).toEqual([1, 0, 1, 0, 1, 0]);
    expect(steps[2]!.sent[0]).toMatchObject({ startsAt: T0, endsAt: T0 + 2 * MIN + 4 * MIN });
    expect(steps[5]!.state).toMatchObject({ health: 'ok', consecutiveFailures: 0 });
    const p = await run(pendingRule, [one, err, err]);
    expect(only(p[2]!.state)).toMatchObject({ state: 'pending', activeAt: T0 });
    expect(p.flatMap((s) => s.sent)).toEqual([]);
  });

  it('keep: a resolved alert is not re-sent during errors', async () => {
    const steps = await run(rule(), [one, none, err, err, err]);
    expect(steps.slice(2).flatMap((s) => s.sent)).toEqual([]);
  });

  it('prometheus: nothing is sent while the query fails', async () => {
    const steps = await run(rule(), [one, err, err, err], opts({ onQueryError: 'prometheus' }));
    expect(steps.slice(1).flatMap((s) => s.sent)).toEqual([]);
    expect(only(steps[3]!.state)!.state).toBe('firing');
  });
});

describe('rule state and helpers', () => {
  it('rule state is the highest alert state, unknown before the first evaluation', async () => {
    expect(alertingRuleStateName(emptyAlertingState())).toBe('unknown');
    const [s0] = await run(rule(), [none]);
    expect(alertingRuleStateName(s0!.state)).toBe('inactive');
    const [s1] = await run(rule({ forMs: MIN }), [one]);
    expect(alertingRuleStateName(s1!.state)).toBe('pending');
  });

  it('escapes like Go url.QueryEscape', () => {
    expect(goQueryEscape('rate(x{a="b c"}[5m]) > 0.5 * 2 !\'()~')).toBe(
      'rate%28x%7Ba%3D%22b+c%22%7D%5B5m%5D%29+%3E+0.5+%2A+2+%21%27%28%29~',
    );
  });
});
