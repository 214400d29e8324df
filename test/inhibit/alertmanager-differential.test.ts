/**
 * Differential test of inhibition against the real Alertmanager 0.25 (Debian prometheus-alertmanager), which
 * still searches every cached source (no per-equal-set index). Random alerts are posted; for every active alert
 * Klaxon's verdict must equal Alertmanager's, and Alertmanager's single reported source must be among Klaxon's.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAlertmanagerConfig } from '../../src/config/alertmanager/index.js';
import type { AlertmanagerConfig } from '../../src/config/alertmanager/types.js';
import { InhibitIndex } from '../../src/inhibit/inhibitor.js';
import { fingerprint, type Labels } from '../../src/labels/labels.js';
import { type RunningBinary, startAlertmanager } from '../support/binaries.js';

const CONFIG = `route:
  receiver: default
  group_wait: 1h
receivers: [{name: default}]
inhibit_rules:
  - source_matchers: ['severity="critical"']
    target_matchers: ['severity=~"warning|info"']
    equal: [cluster]
  - source_matchers: ['team=~"a|b"']
    target_matchers: ['team="a"']
    equal: [zone]
  - source_match: {severity: info}
    target_match_re: {team: 'b|c'}
    equal: [cluster, zone]
`;

let am: RunningBinary | undefined;
let base = '';
let config: AlertmanagerConfig;

beforeAll(async () => {
  config = parseAlertmanagerConfig('alertmanager.yml', CONFIG).config!;
  am = await startAlertmanager(CONFIG);
  base = am.url;
}, 30_000);

afterAll(async () => {
  await am?.stop();
});

const maybe = (values: string[]) => fc.constantFrom(...values, '');
const labelsArb = fc
  .record({
    severity: maybe(['critical', 'warning', 'info']),
    team: maybe(['a', 'b', 'c']),
    cluster: maybe(['c1', 'c2']),
    zone: maybe(['z1', 'z2']),
  })
  .map((l) => Object.fromEntries(Object.entries(l).filter(([, v]) => v !== '')) as Labels);

interface ApiAlert {
  fingerprint: string;
  labels: Labels;
  status: { inhibitedBy: string[] };
}

describe('differential: inhibition against Alertmanager 0.25', () => {
  it('inhibits the same alerts', async () => {
    const [sets] = fc.sample(fc.array(fc.tuple(labelsArb, fc.boolean()), { minLength: 60, maxLength: 60 }), {
      numRuns: 1,
      seed: 11,
    });
    const now = Date.now();
    // One alert per label set: Alertmanager would merge repeats.
    const unique = new Map(
      sets!.map(([labels, resolved], i) => [
        fingerprint({ alertname: `A${i % 7}`, ...labels }),
        { labels: { alertname: `A${i % 7}`, ...labels }, resolved },
      ]),
    );
    const alerts = [...unique.values()].map(({ labels, resolved }) => ({
      labels,
      startsAt: new Date(now - 60_000).toISOString(),
      endsAt: new Date(resolved ? now - 1000 : now + 3_600_000).toISOString(),
    }));
    const res = await fetch(`${base}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(alerts),
    });
    expect(res.status).toBe(200);
    const index = new InhibitIndex(
      config.inhibitRules,
      alerts.map((a) => ({
        labels: a.labels,
        fingerprint: fingerprint(a.labels),
        resolved: Date.parse(a.endsAt) <= now,
      })),
    );
    const active = new Set(alerts.filter((a) => Date.parse(a.endsAt) > now).map((a) => fingerprint(a.labels)));
    const compare = async () => {
      const api = (await (await fetch(`${base}/api/v2/alerts`)).json()) as ApiAlert[];
      const problems: string[] = [];
      let inhibited = 0;
      if (
        api
          .map((a) => a.fingerprint)
          .sort()
          .join() !== [...active].sort().join()
      )
        problems.push('active alerts differ');
      for (const a of api) {
        const ours = index.inhibitedBy({ labels: a.labels, fingerprint: a.fingerprint });
        if (ours.length > 0) inhibited++;
        if (
          ours.length > 0 !== a.status.inhibitedBy.length > 0 ||
          a.status.inhibitedBy.some((fp) => !ours.includes(fp))
        ) {
          problems.push(`${JSON.stringify(a.labels)}: Alertmanager ${a.status.inhibitedBy}, Klaxon ${ours}`);
        }
      }
      return { problems, inhibited, total: api.length };
    };
    // Alertmanager feeds its inhibitor's source cache asynchronously: allow it to catch up, then compare.
    let result = await compare();
    for (let attempt = 0; attempt < 20 && result.problems.length > 0; attempt++) {
      await new Promise((r) => setTimeout(r, 250));
      result = await compare();
    }
    expect(result.problems).toEqual([]);
    const { inhibited } = result;
    expect(inhibited).toBeGreaterThan(3);
    expect(inhibited).toBeLessThan(result.total);
  }, 30_000);
});
