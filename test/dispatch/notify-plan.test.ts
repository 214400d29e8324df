import { describe, expect, it } from 'vitest';
import { type PlanInput, planNotifications } from '../../src/dispatch/stages/notify-plan.js';
import type { AlertSnapshot, IntegrationInfo } from '../../src/notify/types.js';

const NOW = 1_700_000_000_000;
const snap = (fp: string, status: 'firing' | 'resolved'): AlertSnapshot => ({
  status,
  labels: { alertname: fp },
  annotations: {},
  startsAt: NOW - 1000,
  endsAt: status === 'firing' ? 0 : NOW - 1,
  updatedAt: NOW - 1000,
  generatorURL: '',
  fingerprint: fp,
});
const input = (alerts: AlertSnapshot[]): PlanInput => ({
  now: NOW,
  groupKey: '{}:{}',
  groupId: 'g1',
  receiver: 'r',
  groupLabels: {},
  routeLabels: {},
  repeatIntervalMs: 3600_000,
  externalURL: 'http://x',
  alerts,
});
const withResolved: IntegrationInfo = { type: 'webhook', index: 0, sendResolved: true };
const withoutResolved: IntegrationInfo = { type: 'webhook', index: 1, sendResolved: false };

describe('planNotifications (SEMANTICS §5.6, §5.7)', () => {
  it('sends firing and resolved alerts to send_resolved integrations only', () => {
    const plan = planNotifications(
      input([snap('a', 'firing'), snap('b', 'resolved')]),
      [withResolved, withoutResolved],
      [null, null],
    );
    expect(plan.writes).toEqual([]);
    expect(
      plan.send.map((r) => [r.integrationIndex, r.alerts.map((a) => a.fingerprint), r.notificationReason]),
    ).toEqual([
      [0, ['a', 'b'], 'first notification'],
      [1, ['a'], 'first notification'],
    ]);
    expect(plan.send[1]).toMatchObject({ firingHashes: ['a'], resolvedHashes: ['b'], flushTs: NOW });
  });

  it('all resolved without send_resolved: no send, but the log is written to clear it', () => {
    const entry = { timestamp: NOW - 5000, firing: ['a'], resolved: [] };
    const plan = planNotifications(input([snap('a', 'resolved')]), [withResolved, withoutResolved], [entry, entry]);
    expect(plan.send.map((r) => [r.integrationIndex, r.notificationReason])).toEqual([[0, 'all alerts resolved']]);
    expect(plan.writes).toEqual([
      { integration: withoutResolved, entry: { timestamp: NOW, firing: [], resolved: ['a'] } },
    ]);
  });

  describe('send_resolved_when_silenced (SEMANTICS §9 row 9)', () => {
    const toldFiring = { timestamp: NOW - 5000, firing: ['a', 'b'], resolved: [] };
    const neverTold = { timestamp: NOW - 5000, firing: ['b'], resolved: [] };

    it('sends a silenced resolved alert only where send_resolved is on and it was notified firing', () => {
      const plan = planNotifications(
        { ...input([snap('a', 'resolved'), snap('b', 'firing')]), silencedResolved: new Set(['a']) },
        [withResolved, { ...withResolved, index: 2 }, withoutResolved],
        [toldFiring, neverTold, toldFiring],
      );
      expect(plan.send.map((r) => [r.integrationIndex, r.alerts.map((a) => a.fingerprint), r.resolvedHashes])).toEqual([
        [0, ['a', 'b'], ['a']],
      ]);
      // Integration 2 never saw `a` firing and 1 has no send_resolved: for them `a` stays muted, nothing changed.
      expect(plan.writes).toEqual([]);
    });

    it('a group left with only silenced resolved alerts notifies nobody who never saw them', () => {
      const plan = planNotifications(
        { ...input([snap('a', 'resolved')]), silencedResolved: new Set(['a']) },
        [withResolved, withoutResolved],
        [neverTold, toldFiring],
      );
      expect(plan).toEqual({ send: [], writes: [] });
    });
  });
});
