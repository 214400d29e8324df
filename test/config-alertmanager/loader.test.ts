import { describe, expect, it } from 'vitest';
import { loadAlertmanagerConfig, parseAlertmanagerConfig } from '../../src/config/alertmanager/index.js';
import { formatProblem } from '../../src/config/errors.js';
import { matchersString } from '../../src/labels/matcher.js';

const FILE = '/etc/klaxon/alertmanager.yml';

function load(source: string) {
  const r = parseAlertmanagerConfig(FILE, source);
  if (!r.config) throw new Error(r.problems.map(formatProblem).join('\n'));
  return r.config;
}

function problems(source: string): string[] {
  return parseAlertmanagerConfig(FILE, source)
    .problems.filter((p) => p.severity === 'error')
    .map((p) => formatProblem(p).replace(`${FILE}:`, ''));
}

describe('defaults and inheritance', () => {
  const config = load(`
global:
  smtp_smarthost: mail:25
  smtp_from: am@example.com
  slack_api_url: https://hooks.slack.com/services/x
  http_config:
    bearer_token: tok
route:
  receiver: root
  group_by: [cluster]
  group_wait: 10s
  labels: {tier: a}
  routes:
    - match: {team: db}
      match_re: {service: 'a|b'}
      matchers: ['env="prod", region=~"eu.*"']
      continue: yes
      routes:
        - receiver: leaf
          group_by: ['...']
          repeat_interval: 1h
          mute_time_intervals: [nights]
          labels: {sub: x}
    - receiver: leaf
      group_by: []
      group_interval: 1m
templates: ['tmpl/*.tmpl', '/abs/*.tmpl']
time_intervals:
  - name: nights
    time_intervals: [{times: [{start_time: '00:00', end_time: '06:00'}], location: Europe/Berlin}]
receivers:
  - name: root
    webhook_configs: [{url: 'http://x/a'}]
    email_configs: [{to: ops@example.com, headers: {subject: hi}}]
  - name: leaf
    slack_configs: [{channel: '#c', send_resolved: on}]
    pagerduty_configs: [{routing_key: k}]
`);

  it('applies route defaults and inheritance', () => {
    const root = config.route;
    expect(root).toMatchObject({
      receiver: 'root',
      groupBy: ['cluster'],
      groupByExplicit: true,
      groupWaitMs: 10_000,
      groupIntervalMs: 300_000,
      repeatIntervalMs: 14_400_000,
      continue: false,
    });
    const [db, other] = root.routes;
    expect(db).toMatchObject({ receiver: 'root', groupBy: ['cluster'], groupByExplicit: false, continue: true });
    expect(matchersString(db!.matchers)).toBe('{env="prod",region=~"eu.*",service=~"^(?:a|b)$",team="db"}');
    const leaf = db!.routes[0]!;
    expect(leaf).toMatchObject({
      receiver: 'leaf',
      groupBy: 'all',
      groupWaitMs: 10_000,
      repeatIntervalMs: 3_600_000,
      muteTimeIntervals: ['nights'],
      continue: false,
      labels: { tier: 'a', sub: 'x' },
    });
    // `group_by: []` inherits, as upstream does (scenario 12-route-inheritance).
    expect(other).toMatchObject({ groupBy: ['cluster'], groupByExplicit: false, groupIntervalMs: 60_000 });
    expect(other!.muteTimeIntervals).toEqual([]);
  });

  it('resolves globals into receivers', () => {
    const [root, leaf] = config.receivers;
    expect(root!.webhookConfigs[0]).toMatchObject({ sendResolved: true, url: 'http://x/a', maxAlerts: 0, timeout: 0 });
    expect(root!.webhookConfigs[0]!.httpConfig.authorization).toEqual({
      type: 'Bearer',
      credentials: 'tok',
      credentialsFile: undefined,
    });
    expect(root!.emailConfigs[0]).toMatchObject({
      sendResolved: false,
      smarthost: 'mail:25',
      from: 'am@example.com',
      hello: 'localhost',
      requireTls: true,
      headers: { Subject: 'hi', To: 'ops@example.com', From: 'am@example.com' },
      html: '{{ template "email.default.html" . }}',
      text: '',
    });
    expect(leaf!.slackConfigs[0]).toMatchObject({
      sendResolved: true,
      apiUrl: 'https://hooks.slack.com/services/x',
      appUrl: 'https://slack.com/api/chat.postMessage',
      channel: '#c',
      title: '{{ template "slack.default.title" . }}',
      mrkdwnIn: ['fallback', 'pretext', 'text'],
    });
    expect(leaf!.other).toEqual({ pagerduty_configs: [{ routing_key: 'k' }] });
  });

  it('keeps globals, intervals and templates', () => {
    expect(config.global.resolveTimeoutMs).toBe(300_000);
    expect(config.timeIntervals.get('nights')).toEqual([
      { times: [{ startMinute: 0, endMinute: 360 }], location: 'Europe/Berlin' },
    ]);
    expect(config.templates).toEqual(['/etc/klaxon/tmpl/*.tmpl', '/abs/*.tmpl']);
  });
});

describe('inhibit rules', () => {
  it('converts the deprecated fields', () => {
    const config = load(`
route: {receiver: r}
receivers: [{name: r}]
inhibit_rules:
  - name: node-down
    source_match: {severity: critical}
    target_match_re: {severity: 'warn.*'}
    target_matchers: ['team="x"']
    equal: [cluster, 'weird-name']
`);
    const rule = config.inhibitRules[0]!;
    expect(rule.name).toBe('node-down');
    expect(matchersString(rule.sourceMatchers)).toBe('{severity="critical"}');
    expect(matchersString(rule.targetMatchers)).toBe('{severity=~"^(?:warn.*)$",team="x"}');
    expect(rule.equal).toEqual(['cluster', 'weird-name']);
  });
});

describe('matcher parsing modes', () => {
  const source = `route:
  receiver: r
  routes:
    - matchers: ['service=web api']
receivers: [{name: r}]
`;

  it('falls back to the classic parser with a positioned warning', () => {
    const { config, problems } = parseAlertmanagerConfig(FILE, source);
    expect(matchersString(config!.route.routes[0]!.matchers)).toBe('{service="web api"}');
    expect(problems).toMatchObject([{ line: 4, col: 18, severity: 'warning' }]);
  });

  it('rejects classic-only syntax in utf8 mode', () => {
    const { config, problems } = parseAlertmanagerConfig(FILE, source, { matcherMode: 'utf8' });
    expect(config).toBeUndefined();
    expect(problems[0]!.message).toBe('12:15: unexpected api: expected a comma or close brace');
  });
});

describe('loadAlertmanagerConfig', () => {
  it('reads a file and throws ConfigError listing the problems', async () => {
    const dir = '/work/shared/scenarios/amtool/configs';
    const { config } = await loadAlertmanagerConfig(`${dir}/good.yml`);
    expect(config.receivers.map((r) => r.name)).toEqual(['default', 'db-team', 'pager', 'web']);
    await expect(loadAlertmanagerConfig(`${dir}/unknown-receiver.yml`)).rejects.toThrow(
      `${dir}/unknown-receiver.yml:5:17: undefined receiver "nobody" used in route`,
    );
  });
});

describe('validation', () => {
  it('reports every problem with its position', () => {
    expect(
      problems(`route:
  receiver: nobody
  group_wait: 1x
  routes:
    - matchers: ['a=~"("']
      repeat_interval: 0s
      unknown: 1
receivers:
  - name: r
    webhook_configs: [{url: 'ftp://x'}]
  - name: r
`),
    ).toEqual([
      '2:13: undefined receiver "nobody" used in route',
      '3:15: unknown unit "x" in duration "1x"',
      '5:22: error parsing regexp: missing closing ): `^(?:()$`',
      '6:24: repeat_interval cannot be zero',
      '7:7: field unknown not found in type config.plain',
      '10:29: unsupported scheme "ftp" for URL',
      '11:5: notification config name "r" is not unique',
    ]);
  });

  it('reads YAML 1.1 booleans only in boolean fields and rejects other values', () => {
    expect(
      load('route: {receiver: r, routes: [{continue: on}]}\nreceivers: [{name: r}]').route.routes[0]!.continue,
    ).toBe(true);
    expect(problems('route: {receiver: r, routes: [{continue: maybe}]}\nreceivers: [{name: r}]')).toEqual([
      '1:42: cannot unmarshal !!str `maybe` into bool',
    ]);
    expect(problems('route: {receiver: r, routes: [{continue: "yes"}]}\nreceivers: [{name: r}]')).toEqual([
      '1:42: cannot unmarshal !!str `yes` into bool',
    ]);
  });

  it('rejects duplicate keys and global misconfiguration', () => {
    expect(problems('route: {receiver: r}\nroute: {receiver: r}\nreceivers: [{name: r}]')[0]).toContain(
      'mapping key "route" already defined',
    );
    expect(
      problems(`route: {receiver: r}
receivers:
  - name: r
    email_configs: [{to: a@b}]
    slack_configs: [{channel: x}]
`),
    ).toEqual([
      '4:21: no global SMTP smarthost set',
      '4:21: no global SMTP from set',
      '5:21: no global Slack API URL set either inline or in a file',
    ]);
  });

  it('rejects bad time intervals and route-level root restrictions', () => {
    expect(
      problems(`route: {receiver: r, active_time_intervals: [t]}
receivers: [{name: r}]
time_intervals:
  - name: t
    time_intervals:
      - days_of_month: ['-3:5']
        months: ['smarch']
  - time_intervals: []
`),
    ).toEqual([
      '1:45: root route must not have any active time intervals',
      '6:25: end day must be negative if start day is negative',
      '7:18: smarch is not a valid month',
      '8:5: missing name in time interval',
    ]);
  });
});
