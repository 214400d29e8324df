import { describe, expect, it } from 'vitest';
import type { Alert } from '../../src/alerts/types.js';
import { AlertFragmentCache, type AlertFragments, appendAlertJson } from '../../src/api/alertmanager-v2/alert-json.js';
import { type AlertStatus, gettableAlert } from '../../src/api/alertmanager-v2/alert-view.js';
import { fingerprint, type Labels } from '../../src/labels/labels.js';

const T = Date.parse('2026-08-22T10:00:00.000Z');

function alert(labels: Labels, over: Partial<Alert> = {}): Alert {
  return {
    labels,
    annotations: { summary: 'x' },
    startsAt: T,
    endsAt: T + 3600_000,
    updatedAt: T + 1,
    generatorURL: '',
    fingerprint: fingerprint(labels),
    timeout: false,
    ...over,
  };
}

function alertJson(f: AlertFragments, status: AlertStatus): string {
  const parts: Buffer[] = [];
  const length = appendAlertJson(parts, f, status);
  const json = Buffer.concat(parts);
  expect(json.length).toBe(length);
  return json.toString('utf8');
}

const statuses: AlertStatus[] = [
  { state: 'active', silencedBy: [], inhibitedBy: [], mutedBy: [] },
  { state: 'suppressed', silencedBy: ['b-id', 'a"id'], inhibitedBy: ['f1'], mutedBy: ['weekends'] },
  { state: 'suppressed', silencedBy: ['s1'], inhibitedBy: [], mutedBy: [] },
  { state: 'suppressed', silencedBy: [], inhibitedBy: ['f1', 'f2'], mutedBy: [] },
  { state: 'unprocessed', silencedBy: [], inhibitedBy: [], mutedBy: ['night'] },
];

describe('gettableAlert JSON', () => {
  it('is byte-identical to JSON.stringify of the gettableAlert object', () => {
    const alerts = [
      alert({ alertname: 'Disk', instance: 'h1' }),
      alert(
        { alertname: 'Ünïcode "quoted"', 'name with space': 'line\nbreak\u2028', emoji: '😀' },
        { annotations: { b: '<html>&', a: '\\', '': 'empty' }, generatorURL: 'http://x/graph?g0.expr=up%3D%3D0' },
      ),
      alert({}, { annotations: {}, startsAt: 0, endsAt: 253402300799999, updatedAt: 1 }),
    ];
    const receiverLists = [[], ['default'], ['pager', 'team "a"']];
    for (const a of alerts) {
      for (const receivers of receiverLists) {
        const cache = new AlertFragmentCache();
        cache.begin();
        const f = cache.get(a, {}, () => receivers);
        for (const status of statuses) {
          expect(alertJson(f, status)).toBe(JSON.stringify(gettableAlert(a, status, receivers)));
        }
      }
    }
  });

  it('re-renders when the stored alert changes and re-routes when the route tree changes', () => {
    const cache = new AlertFragmentCache();
    const routesA = {};
    let calls = 0;
    const receiversOf = () => {
      calls++;
      return ['r'];
    };
    const a = alert({ alertname: 'A' });
    cache.begin();
    cache.get(a, routesA, receiversOf);
    const changed = { ...a, annotations: { summary: 'y' }, endsAt: a.endsAt + 1 };
    const f = cache.get(changed, routesA, receiversOf);
    expect(alertJson(f, statuses[0]!)).toBe(JSON.stringify(gettableAlert(changed, statuses[0]!, ['r'])));
    expect(calls).toBe(1);
    cache.get(changed, {}, receiversOf);
    expect(calls).toBe(2);
  });
});
