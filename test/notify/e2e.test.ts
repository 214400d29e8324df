import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { type ParsedMail, simpleParser } from 'mailparser';
import pino from 'pino';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KlaxonInstance, startKlaxon } from '../../src/app/klaxon.js';
import { resolveSettings } from '../../src/config/klaxon.js';
import { eventually } from './helpers.js';
import { type SlackStandIn, startSlackStandIn } from './slack-standin.js';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** An alert POSTed to a running Klaxon (API, router and notifier roles) reaches SMTP and the Slack stand-in. */
describe('end to end: POST /api/v2/alerts → Slack and email', () => {
  const keyPrefix = `klaxon-test-notify-e2e-${randomBytes(4).toString('hex')}:`;
  let slack: SlackStandIn;
  let smtp: SMTPServer;
  const mails: ParsedMail[] = [];
  let klaxon: KlaxonInstance;

  beforeAll(async () => {
    slack = await startSlackStandIn();
    smtp = new SMTPServer({
      logger: false,
      authOptional: true,
      onData(stream, _s, cb) {
        simpleParser(stream).then((m) => {
          mails.push(m);
          cb();
        }, cb);
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
    const smtpPort = (smtp.server.address() as { port: number }).port;
    const dir = mkdtempSync(join(tmpdir(), 'klaxon-e2e-'));
    const config = join(dir, 'alertmanager.yml');
    writeFileSync(
      config,
      `global:
  smtp_smarthost: 127.0.0.1:${smtpPort}
  smtp_from: klaxon@example.com
  smtp_require_tls: true
  smtp_tls_config:
    insecure_skip_verify: true
route:
  receiver: pager
  group_by: [alertname]
  group_wait: 100ms
  # Longer than a first (cold) SMTP delivery: a tick must not find the previous notification still in flight.
  group_interval: 3s
receivers:
  - name: pager
    slack_configs:
      - app_token: xoxb-e2e
        app_url: ${slack.apiUrl}
        channel: '#alerts'
        send_resolved: true
        update_message: true
    email_configs:
      - to: oncall@example.com
        send_resolved: true
`,
    );
    const port = await freePort();
    klaxon = await startKlaxon({
      settings: resolveSettings(
        {},
        {
          listenAddress: `127.0.0.1:${port}`,
          externalURL: `http://127.0.0.1:${port}`,
          keyPrefix,
          alertmanagerConfig: config,
          ruleFiles: [],
        },
        dir,
      ),
      roles: ['api', 'router', 'notifier'],
      logger: pino({ level: 'silent' }),
    });
  });

  afterAll(async () => {
    await klaxon?.stop();
    await slack.close();
    await new Promise<void>((r) => smtp.close(() => r()));
    const redis = new Redis({ host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null });
    for (const name of ['group-flush', 'notify']) {
      const queue = new Queue(name, { connection: redis, prefix: `{${keyPrefix.replace(/[:{}]+$/g, '')}}` });
      await queue.obliterate({ force: true });
      await queue.close();
    }
    const keys = await redis.keys(`${keyPrefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('delivers a firing alert to both, then the resolve updates the Slack message and mails again', async () => {
    const post = (endsAt: string) =>
      fetch(`${klaxon.url}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([
          {
            labels: { alertname: 'DiskFull', instance: 'db1', severity: 'critical' },
            annotations: { summary: 'Disk 97% full', runbook_url: 'https://runbooks.example/disk' },
            startsAt: new Date(Date.now() - 1000).toISOString(),
            endsAt,
          },
        ]),
      });
    expect((await post(new Date(Date.now() + 3_600_000).toISOString())).status).toBe(200);

    await eventually(() => {
      expect(mails).toHaveLength(1);
      expect(slack.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(1);
    }, 10_000);
    expect(mails[0]!.subject).toBe('[FIRING:1] DiskFull (db1 critical)');
    expect(mails[0]!.to).toMatchObject({ text: 'oncall@example.com' });
    expect(mails[0]!.html).toContain('Disk 97% full');
    const posted = slack.calls.find((c) => c.method === 'chat.postMessage')!;
    expect(posted.authorization).toBe('Bearer xoxb-e2e');
    expect((posted.args.attachments as { title: string }[])[0]!.title).toBe('[FIRING:1] DiskFull (db1 critical)');
    expect(JSON.stringify(posted.args.blocks)).toContain('https://runbooks.example/disk');

    expect((await post(new Date().toISOString())).status).toBe(200);
    await eventually(() => {
      expect(mails).toHaveLength(2);
      expect(slack.calls.filter((c) => c.method === 'chat.update')).toHaveLength(1);
    }, 10_000);
    expect(mails[1]!.subject).toBe('[RESOLVED] DiskFull (db1 critical)');
    const updated = slack.calls.find((c) => c.method === 'chat.update')!;
    expect(updated.args).toMatchObject({ channel: 'C0123ALERTS', ts: '1700000000.001' });
    expect(slack.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(1);
  });
});
