import { describe, expect, it } from 'vitest';
import type { InhibitRuleConfig } from '../../src/config/alertmanager/types.js';
import { InhibitIndex, inhibitedBy } from '../../src/inhibit/inhibitor.js';
import { fingerprint, type Labels } from '../../src/labels/labels.js';
import { parseMatchers } from '../../src/labels/matcher.js';

function rule(source: string, target: string, equal: string[], name?: string): InhibitRuleConfig {
  return {
    sourceMatchers: parseMatchers(source),
    targetMatchers: parseMatchers(target),
    equal,
    ...(name ? { name } : {}),
  };
}

const alert = (labels: Labels, resolved = false) => ({ labels, fingerprint: fingerprint(labels), resolved });

const critical = rule('severity="critical"', 'severity="warning"', ['cluster']);

describe('inhibitedBy', () => {
  it('inhibits a target when a firing source has equal labels', () => {
    const src = alert({ alertname: 'NodeDown', severity: 'critical', cluster: 'c1' });
    const target = alert({ alertname: 'HighLatency', severity: 'warning', cluster: 'c1' });
    const other = alert({ alertname: 'HighLatency', severity: 'warning', cluster: 'c2' });
    expect(inhibitedBy([critical], target, [src, target, other])).toEqual([src.fingerprint]);
    expect(inhibitedBy([critical], other, [src, target, other])).toEqual([]);
    expect(inhibitedBy([critical], src, [src, target, other])).toEqual([]);
  });

  it('treats a label missing on both sides as equal, and missing on one side as different', () => {
    const srcNoCluster = alert({ alertname: 'NodeDownNoCluster', severity: 'critical' });
    const targetNoCluster = alert({ alertname: 'LatencyNoCluster', severity: 'warning' });
    const targetC1 = alert({ alertname: 'Latency', severity: 'warning', cluster: 'c1' });
    expect(inhibitedBy([critical], targetNoCluster, [srcNoCluster])).toEqual([srcNoCluster.fingerprint]);
    expect(inhibitedBy([critical], targetC1, [srcNoCluster])).toEqual([]);
    // An empty value is the same as absence.
    expect(inhibitedBy([critical], alert({ severity: 'warning', cluster: '' }), [srcNoCluster])).toEqual([
      srcNoCluster.fingerprint,
    ]);
  });

  it('ignores resolved sources', () => {
    const resolved = alert({ alertname: 'NodeDown', severity: 'critical', cluster: 'c1' }, true);
    const target = alert({ alertname: 'HighLatency', severity: 'warning', cluster: 'c1' });
    expect(inhibitedBy([critical], target, [resolved])).toEqual([]);
  });

  it('lets silenced or unrouted sources inhibit: every stored alert is a candidate', () => {
    // The inhibitor has no notion of silences; the caller passes all stored alerts, silenced ones included.
    const silencedSource = alert({ alertname: 'NodeDown', severity: 'critical', cluster: 'c1', silenced: 'yes' });
    const target = alert({ alertname: 'HighLatency', severity: 'warning', cluster: 'c1' });
    expect(inhibitedBy([critical], target, [silencedSource])).toEqual([silencedSource.fingerprint]);
  });

  it('does not let two-sided alerts inhibit each other', () => {
    const both = rule('team="ops"', 'team="ops"', []);
    const a = alert({ alertname: 'A', team: 'ops' });
    const b = alert({ alertname: 'B', team: 'ops' });
    expect(inhibitedBy([both], a, [a, b])).toEqual([]);
    // A one-sided source still inhibits a two-sided target.
    const wide = rule('team=~"ops|sre"', 'team="ops"', []);
    const sre = alert({ alertname: 'C', team: 'sre' });
    expect(inhibitedBy([wide], a, [a, b, sre])).toEqual([sre.fingerprint]);
  });

  it('finds every qualifying source, unlike upstream’s single cached source', () => {
    const s1 = alert({ alertname: 'N1', severity: 'critical', cluster: 'c1' });
    const s2 = alert({ alertname: 'N2', severity: 'critical', cluster: 'c1' }, true);
    const s3 = alert({ alertname: 'N3', severity: 'critical', cluster: 'c1' });
    const target = alert({ alertname: 'T', severity: 'warning', cluster: 'c1' });
    expect(inhibitedBy([critical], target, [s1, s2, s3])).toEqual([s1.fingerprint, s3.fingerprint].sort());
  });

  it('reports the rule of each inhibition', () => {
    const named = rule('severity="critical"', 'severity=~"warning|info"', ['cluster'], 'node-down');
    const src = alert({ severity: 'critical', cluster: 'c1' });
    const target = alert({ severity: 'info', cluster: 'c1' });
    const idx = new InhibitIndex([critical, named], [src]);
    expect(idx.inhibitions(target)).toEqual([
      { sourceFingerprint: src.fingerprint, ruleIndex: 1, ruleName: 'node-down' },
    ]);
    expect(idx.inhibitedBy(alert({ severity: 'debug', cluster: 'c1' }))).toEqual([]);
  });

  it('answers for 10k alerts from one index', () => {
    const alerts = Array.from({ length: 10_000 }, (_, i) => ({
      labels: {
        alertname: `A${i}`,
        severity: i % 1000 === 0 ? 'critical' : 'warning',
        cluster: `c${Math.floor(i / 100)}`,
      },
      fingerprint: `fp${i}`,
      resolved: false,
    }));
    const idx = new InhibitIndex([critical], alerts);
    const inhibited = alerts.filter((a) => idx.inhibitedBy(a).length > 0);
    // Clusters c0, c10, …, c90 hold one critical alert each, inhibiting their 99 warnings.
    expect(inhibited).toHaveLength(990);
    expect(idx.inhibitedBy(alerts[1]!)).toEqual(['fp0']);
  });
});
