import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveriesRoutes } from '../../src/api/klaxon-v1/deliveries.js';
import { defaultHttpConfig } from '../../src/config/alertmanager/decode.js';
import type { ReceiverConfig, SlackConfig } from '../../src/config/alertmanager/types.js';
import { createNotifier, type KlaxonNotifier } from '../../src/notify/notifier.js';
import { NotificationTemplates } from '../../src/template/index.js';
import { alert, eventually, outcomeRecorder, request, type TestDeps, testDeps } from './helpers.js';
import { type SlackStandIn, startSlackStandIn } from './slack-standin.js';

const tpl = (name: string) => `{{ template "slack.default.${name}" . }}`;

/** A slack_configs entry as the config loader returns it (Alertmanager defaults applied). */
function slackConfig(partial: Partial<SlackConfig>): SlackConfig {
  return {
    sendResolved: true,
    httpConfig: defaultHttpConfig(),
    appUrl: 'https://slack.com/api/chat.postMessage',
    username: tpl('username'),
    color: '{{ if eq .Status "firing" }}danger{{ else }}good{{ end }}',
    title: tpl('title'),
    titleLink: tpl('titlelink'),
    pretext: tpl('pretext'),
    text: tpl('text'),
    fields: [],
    shortFields: false,
    footer: tpl('footer'),
    fallback: tpl('fallback'),
    callbackId: tpl('callbackid'),
    iconEmoji: tpl('iconemoji'),
    iconUrl: tpl('iconurl'),
    linkNames: false,
    mrkdwnIn: ['fallback', 'pretext', 'text'],
    actions: [],
    updateMessage: false,
    timeout: 0,
    ...partial,
  };
}

function receiver(name: string, slack: Partial<SlackConfig>): ReceiverConfig {
  return { name, labels: {}, webhookConfigs: [], slackConfigs: [slackConfig(slack)], emailConfigs: [], other: {} };
}

describe('Slack against a local stand-in', () => {
  let deps: TestDeps;
  let slack: SlackStandIn;
  let notifier: KlaxonNotifier;
  const rec = outcomeRecorder();

  beforeAll(async () => {
    deps = await testDeps('notify-slack');
    slack = await startSlackStandIn();
    const bot = (channel: string, extra: Partial<SlackConfig> = {}) => ({
      appToken: 'xoxb-test-token',
      appUrl: slack.apiUrl,
      channel,
      ...extra,
    });
    notifier = createNotifier(deps, {
      receivers: [
        receiver('oncall', bot('#alerts', { updateMessage: true })),
        receiver('hook', {
          apiUrl: slack.webhookUrl,
          channel: '#hooked',
          title: 'Custom {{ .CommonLabels.alertname }}',
        }),
        receiver('limited', bot('#ratelimited')),
        receiver('storm', bot('#storm')),
        receiver('gone', bot('#gone')),
      ],
      templates: await NotificationTemplates.load([]),
      onOutcome: rec.handler,
      backoffMs: 50,
      attempts: 5,
    });
    await notifier.start();
  });

  afterAll(async () => {
    await notifier.stop();
    await slack.close();
    await deps.cleanup();
  });

  const firing = alert(
    { alertname: 'DiskFull', instance: 'db1', severity: 'critical' },
    {
      annotations: { summary: 'Disk 95% full', runbook_url: 'https://runbooks.example/disk' },
      generatorURL: 'http://prom:9090/graph?g0.expr=disk',
    },
  );
  const groupKey = '{}:{alertname="DiskFull"}';

  async function deliver(receiverName: string, extra = {}) {
    const before = rec.outcomes.length;
    const req = request({
      receiver: receiverName,
      integration: 'slack',
      groupKey,
      groupLabels: { alertname: 'DiskFull' },
      alerts: [firing],
      ...extra,
    });
    await notifier.enqueue(req);
    await rec.waitFor(before + 1);
    return rec.outcomes[before]!;
  }

  it('posts a Block Kit message with the Alertmanager attachment, then updates it on resolve', async () => {
    const first = await deliver('oncall');
    expect(first.outcome).toEqual({
      delivered: true,
      receiverData: { threadTs: '1700000000.001', channelId: 'C0123ALERTS' },
    });
    const post = slack.calls.find((c) => c.method === 'chat.postMessage' && c.args.channel === '#alerts')!;
    expect(post.authorization).toBe('Bearer xoxb-test-token');
    const attachment = (post.args.attachments as Record<string, unknown>[])[0]!;
    expect(attachment.title).toBe('[FIRING:1] DiskFull (db1 critical)');
    expect(attachment.title_link).toBe('http://klaxon.example:9093/#/alerts?receiver=oncall');
    expect(attachment.color).toBe('#D50000');
    expect(attachment.mrkdwn_in).toEqual(['fallback', 'pretext', 'text']);
    const blocks = post.args.blocks as { type: string; text?: { text: string }; elements?: { url?: string }[] }[];
    expect(blocks.map((b) => b.type)).toEqual(['header', 'context', 'divider', 'section', 'actions']);
    expect(blocks[0]!.text!.text).toBe('[FIRING:1] DiskFull (db1 critical)');
    const section = blocks[3]!.text!.text;
    expect(section).toContain(':red_circle: *DiskFull* — Disk 95% full');
    expect(section).toContain('<https://runbooks.example/disk|Runbook>');
    expect(section).toContain('/#/silences/new?filter=');
    expect(blocks[4]!.elements!.map((e) => e.url)).toEqual([
      'http://klaxon.example:9093/#/alerts?receiver=oncall',
      `http://klaxon.example:9093/#/silences/new?filter=${encodeURIComponent('{alertname="DiskFull"}')}`,
    ]);
    expect(post.args.text).toBe(attachment.fallback);

    const resolved = { ...firing, status: 'resolved' as const, endsAt: firing.startsAt + 60_000 };
    const second = await deliver('oncall', { alerts: [resolved], notificationReason: 'all alerts resolved' });
    expect(second.outcome.delivered).toBe(true);
    const forAlerts = slack.calls.filter((c) => c.args.channel === '#alerts' || c.args.channel === 'C0123ALERTS');
    expect(forAlerts.map((c) => c.method)).toEqual(['chat.postMessage', 'chat.update']);
    const update = forAlerts[1]!;
    expect(update.args).toMatchObject({ channel: 'C0123ALERTS', ts: '1700000000.001' });
    expect((update.args.attachments as { color: string; title: string }[])[0]).toMatchObject({
      color: '#2EB67D',
      title: '[RESOLVED] DiskFull (db1 critical)',
    });
  });

  it('posts a new message when the one to update was deleted, and updates that one next', async () => {
    slack.deleted.add('1700000000.001');
    const { outcome } = await deliver('oncall', { notificationReason: 'new alerts added' });
    expect(outcome).toEqual({
      delivered: true,
      receiverData: { threadTs: '1700000000.002', channelId: 'C0123ALERTS' },
    });
    await deliver('oncall', { notificationReason: 'new alerts added' });
    const calls = slack.calls.slice(-3);
    expect(calls.map((c) => [c.method, c.args.ts])).toEqual([
      ['chat.update', '1700000000.001'],
      ['chat.postMessage', undefined],
      ['chat.update', '1700000000.002'],
    ]);
  });

  it('posts the Alertmanager-compatible JSON to an incoming webhook', async () => {
    const { outcome } = await deliver('hook');
    expect(outcome).toEqual({ delivered: true });
    expect(slack.hooks).toHaveLength(1);
    const body = slack.hooks[0] as { channel: string; username: string; blocks?: unknown; attachments: unknown[] };
    expect(body.channel).toBe('#hooked');
    expect(body.blocks).toBeUndefined();
    expect(body.attachments[0]).toMatchObject({ title: 'Custom DiskFull', color: 'danger' });
  });

  it('waits out a 429 with Retry-After: 2 and then posts exactly once', async () => {
    const { outcome } = await deliver('limited');
    expect(outcome.delivered).toBe(true);
    const posts = slack.calls.filter((c) => c.args.channel === '#ratelimited');
    expect(posts).toHaveLength(2);
    expect(posts[1]!.at - posts[0]!.at).toBeGreaterThanOrEqual(2000);
    const log = await notifier.deliveries('limited', 10);
    expect(log.map((e) => [e.status, e.attempt])).toEqual([
      ['delivered', 1],
      ['rate_limited', 1],
    ]);
  });

  it('retries a 500 storm 5 times, then dead-letters it, visible in the API', async () => {
    const { outcome } = await deliver('storm');
    expect(outcome).toEqual({ delivered: false, reason: 'unexpected status code 500' });
    expect(slack.calls.filter((c) => c.args.channel === '#storm')).toHaveLength(5);
    const app = Fastify();
    deliveriesRoutes(app, notifier);
    await eventually(async () => {
      const dead = (await app.inject({ url: '/api/klaxon/v1/dead-letters' })).json().deadLetters;
      expect(dead).toMatchObject([
        { receiver: 'storm', integration: 'slack', attemptsMade: 5, failedReason: 'unexpected status code 500' },
      ]);
    });
    const log = (await app.inject({ url: '/api/klaxon/v1/deliveries?receiver=storm' })).json().deliveries;
    expect(log.map((d: { status: string }) => d.status)).toEqual(['failed', 'retry', 'retry', 'retry', 'retry']);
    await app.close();
  });

  it('treats Slack platform errors such as channel_not_found as permanent', async () => {
    const { outcome } = await deliver('gone');
    expect(outcome).toEqual({ delivered: false, reason: 'slack error: channel_not_found' });
    expect(slack.calls.filter((c) => c.args.channel === '#gone')).toHaveLength(1);
  });
});
