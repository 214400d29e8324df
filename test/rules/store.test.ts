import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { emptyGroupState, type GroupState } from '../../src/rules/group.js';
import { RuleStateStore } from '../../src/rules/store.js';
import { emptyAlertingState, emptyRecordingState } from '../../src/rules/types.js';

const prefix = `klaxon-test-rules-store-${Math.random().toString(36).slice(2)}:`;
const redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: false });
const store = new RuleStateStore(redis, prefix);

afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

function sampleState(ts: number): GroupState {
  const rule = emptyAlertingState();
  rule.health = 'ok';
  rule.lastEvaluation = ts;
  rule.alerts.f1 = {
    state: 'firing',
    labels: { alertname: 'A', value: 'label named value' },
    annotations: { summary: 's' },
    value: Number.NaN,
    activeAt: ts - 5000,
    firedAt: ts,
    resolvedAt: 0,
    lastSentAt: ts,
    validUntil: ts + 240_000,
    keepFiringSince: 0,
  };
  const rec = emptyRecordingState();
  rec.lastResult = [{ labels: { __name__: 'x' }, value: Number.POSITIVE_INFINITY }];
  return {
    ...emptyGroupState(),
    ts,
    evaluationTimeMs: 12,
    rules: { 'k.0': rule, 'k2.0': rec },
    meta: { M: emptyAlertingState() },
  };
}

describe('RuleStateStore', () => {
  it('round-trips state, including NaN/Inf values and a label named value', async () => {
    const st = sampleState(10_000);
    expect(await store.save('g1', st, 'tok', 60_000)).toBe(true);
    expect(await store.load('g1')).toEqual(st);
    expect((await store.loadMany(['g1', 'missing'])).get('missing')).toEqual(emptyGroupState());
  });

  it('round-trips a group with more alerts than one HSET chunk of the save script takes', async () => {
    const st = sampleState(30_000);
    const rule = st.rules['k.0'];
    if (rule?.kind !== 'alerting') throw new Error('sample state changed');
    const template = rule.alerts.f1!;
    for (let i = 0; i < 1200; i++) rule.alerts[`fp${i}`] = { ...template, labels: { alertname: 'A', i: String(i) } };
    expect(await store.save('g4', st, 'tok', 60_000)).toBe(true);
    expect(await store.load('g4')).toEqual(st);
  });

  it('fences writes: an older or equal slot never overwrites newer state', async () => {
    await store.save('g2', sampleState(20_000), 'a', 60_000);
    expect(await store.save('g2', sampleState(19_000), 'b', 60_000)).toBe(false);
    expect(await store.save('g2', sampleState(20_000), 'b', 60_000)).toBe(false);
    expect((await store.load('g2')).ts).toBe(20_000);
    expect(await store.save('g2', sampleState(21_000), 'b', 60_000)).toBe(true);
  });

  it('claims each slot once and never lets two evaluations of a group overlap', async () => {
    expect(await store.claimSlot('g3', 1000, 'w1', 5000)).toEqual({
      outcome: 'claimed',
      lastTs: 0,
      state: emptyGroupState(),
    });
    expect((await store.claimSlot('g3', 1000, 'w2', 5000)).outcome).toBe('busy');
    expect((await store.claimSlot('g3', 2000, 'w2', 5000)).outcome).toBe('busy');
    await store.save('g3', sampleState(1000), 'w1', 60_000); // releases the lock
    expect((await store.claimSlot('g3', 1000, 'w2', 5000)).outcome).toBe('done');
    // The claim hands over the stored state, so an evaluation needs no separate read.
    expect(await store.claimSlot('g3', 2000, 'w2', 5000)).toEqual({
      outcome: 'claimed',
      lastTs: 1000,
      state: sampleState(1000),
    });
    await store.release('g3', 2000, 'other'); // not the owner: lock stays
    expect((await store.claimSlot('g3', 3000, 'w3', 5000)).outcome).toBe('busy');
    await store.release('g3', 2000, 'w2');
    expect((await store.claimSlot('g3', 3000, 'w3', 5000)).outcome).toBe('claimed');
  });
});
