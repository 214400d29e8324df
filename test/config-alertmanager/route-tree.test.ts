import { describe, expect, it } from 'vitest';
import { parseAlertmanagerConfig } from '../../src/config/alertmanager/index.js';
import type { RouteConfig } from '../../src/config/alertmanager/types.js';
import { formatProblem } from '../../src/config/errors.js';
import { allRoutes, groupKey, groupLabels, matchRoutes } from '../../src/dispatch/route.js';

function tree(yaml: string, receivers: string[]): RouteConfig {
  const source = `${yaml}\nreceivers:\n${receivers.map((r) => `  - name: ${r}`).join('\n')}\n`;
  const r = parseAlertmanagerConfig('am.yml', source);
  if (!r.config) throw new Error(r.problems.map(formatProblem).join('\n'));
  return r.config.route;
}

const summary = (root: RouteConfig, labels: Record<string, string>) =>
  matchRoutes(root, labels).map((m) => `${m.route.receiver} ${m.routeKey}`);

describe('route tree', () => {
  const root = tree(
    `route:
  receiver: default
  group_by: [alertname, cluster]
  routes:
    - matchers: ['team="db"']
      receiver: db-team
      continue: true
    - matchers: ['severity="critical"']
      receiver: pager
      routes:
        - matchers: ['env=~"prod|staging"']
          receiver: prod-pager
          group_by: ['...']
    - match_re: {service: 'web|api'}
      receiver: web
    - matchers: ['team="frontend"']
      receiver: frontend
    - matchers: ['team="frontend"']
      receiver: frontend-copy`,
    ['default', 'db-team', 'pager', 'prod-pager', 'web', 'frontend', 'frontend-copy'],
  );

  it('falls back to the root when nothing matches', () => {
    expect(summary(root, { alertname: 'X' })).toEqual(['default {}']);
  });

  it('follows continue and stops at the first non-continue match', () => {
    expect(summary(root, { team: 'db', severity: 'critical' })).toEqual([
      'db-team {}/{team="db"}',
      'pager {}/{severity="critical"}',
    ]);
    expect(summary(root, { team: 'db', service: 'web' })).toEqual([
      'db-team {}/{team="db"}',
      'web {}/{service=~"^(?:web|api)$"}',
    ]);
    expect(summary(root, { team: 'db' })).toEqual(['db-team {}/{team="db"}']);
  });

  it('descends to the deepest matching child, or stays at the parent', () => {
    expect(summary(root, { severity: 'critical', env: 'prod' })).toEqual([
      'prod-pager {}/{severity="critical"}/{env=~"prod|staging"}',
    ]);
    expect(summary(root, { severity: 'critical', env: 'dev' })).toEqual(['pager {}/{severity="critical"}']);
  });

  it('keeps identical siblings apart by id but not by key', () => {
    const all = allRoutes(root);
    const copies = all.filter((r) => r.routeKey === '{}/{team="frontend"}');
    expect(copies.map((r) => r.routeId)).toEqual(['{}/{team="frontend"}/3', '{}/{team="frontend"}/4']);
    expect(all[0]!.routeId).toBe('{}');
    expect(summary(root, { team: 'frontend' })).toEqual(['frontend {}/{team="frontend"}']);
  });

  it('builds group labels and keys as §5.3', () => {
    const labels = { alertname: 'HighLatency', cluster: 'eu1', team: 'frontend', instance: 'i1' };
    const [m] = matchRoutes(root, labels);
    const gl = groupLabels(m!.route, labels);
    expect(gl).toEqual({ alertname: 'HighLatency', cluster: 'eu1' });
    expect(groupKey(m!.routeKey, gl)).toBe('{}/{team="frontend"}:{alertname="HighLatency", cluster="eu1"}');
    // Missing group_by names are simply absent; `...` takes every label.
    expect(groupLabels(m!.route, { alertname: 'A' })).toEqual({ alertname: 'A' });
    const [p] = matchRoutes(root, { severity: 'critical', env: 'prod', x: 'y' });
    expect(groupLabels(p!.route, { severity: 'critical', env: 'prod', x: 'y' })).toEqual({
      severity: 'critical',
      env: 'prod',
      x: 'y',
    });
    expect(groupKey('{}', {})).toBe('{}:{}');
  });

  it('matches missing labels as empty and applies negative matchers', () => {
    const r = tree(
      `route:
  receiver: default
  routes:
    - matchers: ['env!="prod"', 'service!~"db|cache"']
      receiver: nonprod
    - matchers: ['team=""']
      receiver: noteam`,
      ['default', 'nonprod', 'noteam'],
    );
    expect(summary(r, { env: 'prod', team: 'x' })).toEqual(['default {}']);
    expect(summary(r, { service: 'web' })).toEqual(['nonprod {}/{env!="prod",service!~"db|cache"}']);
    expect(summary(r, { env: 'prod' })).toEqual(['noteam {}/{team=""}']);
  });

  it('inherits receiver, group_by and timings (scenario 12 layout)', () => {
    const r = tree(
      `route:
  receiver: root-recv
  group_by: [cluster]
  group_wait: 1s
  group_interval: 2s
  repeat_interval: 1h
  routes:
    - matchers: ['team="a"']
      routes:
        - matchers: ['severity="critical"']
          receiver: a-pager
          group_by: [alertname]
          group_wait: 2500ms
    - matchers: ['team="b"']
      receiver: b-recv
      group_by: []`,
      ['root-recv', 'a-pager', 'b-recv'],
    );
    const [a] = matchRoutes(r, { team: 'a', cluster: 'c1', alertname: 'Z' });
    expect(a!.route).toMatchObject({ receiver: 'root-recv', groupBy: ['cluster'], groupWaitMs: 1000 });
    expect(groupKey(a!.routeKey, groupLabels(a!.route, { team: 'a', cluster: 'c1' }))).toBe(
      '{}/{team="a"}:{cluster="c1"}',
    );
    const [crit] = matchRoutes(r, { team: 'a', severity: 'critical', alertname: 'Z' });
    expect(crit!.route).toMatchObject({
      receiver: 'a-pager',
      groupBy: ['alertname'],
      groupWaitMs: 2500,
      groupIntervalMs: 2000,
    });
    expect(crit!.routeKey).toBe('{}/{team="a"}/{severity="critical"}');
    const [b] = matchRoutes(r, { team: 'b', cluster: 'c2' });
    expect(groupKey(b!.routeKey, groupLabels(b!.route, { team: 'b', cluster: 'c2' }))).toBe(
      '{}/{team="b"}:{cluster="c2"}',
    );
  });
});
