import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifier, type KlaxonNotifier } from '../../src/notify/notifier.js';
import { NotificationTemplates } from '../../src/template/index.js';
import { outcomeRecorder, request, type TestDeps, testDeps } from './helpers.js';
import { type SlackStandIn, startSlackStandIn } from './slack-standin.js';

/** Failing deliveries with secrets in tokens, URLs and passwords leave no secret in logs, the delivery log or dead letters. */
describe('secrets stay out of logs', () => {
  let deps: TestDeps;
  let slack: SlackStandIn;
  let notifier: KlaxonNotifier;
  const logs: string[] = [];
  const rec = outcomeRecorder();
  const secrets = ['xoxb-very-secret-token', 'HOOKSECRET', 'hunter2', 'basic-pass'];

  beforeAll(async () => {
    deps = await testDeps('notify-redact');
    deps.logger = pino(
      { level: 'debug' },
      new Writable({
        write(chunk, _enc, cb) {
          logs.push(String(chunk));
          cb();
        },
      }),
    );
    slack = await startSlackStandIn();
    notifier = createNotifier(deps, {
      receivers: [
        {
          name: 'bot',
          slackConfigs: [{ sendResolved: true, appToken: secrets[0], appUrl: slack.apiUrl, channel: '#gone' }],
        },
        {
          name: 'hook',
          slackConfigs: [{ sendResolved: true, apiUrl: `http://127.0.0.1:1/services/T0/B0/${secrets[1]}` }],
          webhookConfigs: [
            {
              sendResolved: true,
              url: `http://user:${secrets[3]}@127.0.0.1:1/hook?key=${secrets[1]}`,
              httpConfig: { basicAuth: { username: 'u', password: secrets[3] } },
            },
          ],
          emailConfigs: [
            {
              sendResolved: true,
              to: 'a@example.com',
              from: 'k@example.com',
              smarthost: '127.0.0.1:1',
              authUsername: 'u',
              authPassword: secrets[2],
            },
          ],
        },
      ],
      templates: NotificationTemplates.load([]),
      onOutcome: rec.handler,
      attempts: 2,
      backoffMs: 20,
    });
    await notifier.start();
  });

  afterAll(async () => {
    await notifier.stop();
    await slack.close();
    await deps.cleanup();
  });

  it('redacts tokens, webhook URLs and passwords from every failure record', async () => {
    await notifier.enqueue(request({ receiver: 'bot', integration: 'slack' }));
    await notifier.enqueue(request({ receiver: 'hook', integration: 'slack' }));
    await notifier.enqueue(request({ receiver: 'hook', integration: 'webhook' }));
    await notifier.enqueue(request({ receiver: 'hook', integration: 'email' }));
    await rec.waitFor(4);
    expect(rec.outcomes.every((o) => !o.outcome.delivered)).toBe(true);
    const records = JSON.stringify([
      logs,
      rec.outcomes.map((o) => o.outcome),
      await notifier.deliveries(undefined, 100),
      await notifier.deadLetters(100).then((d) => d.map((l) => l.failedReason)),
    ]);
    expect(logs.filter((l) => l.includes('notification failed'))).toHaveLength(4);
    expect(records).toContain('slack error: channel_not_found');
    for (const s of secrets) expect(records).not.toContain(s);
  });
});
