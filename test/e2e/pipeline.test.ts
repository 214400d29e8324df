import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { type SlackStandIn, startSlackStandIn } from '../notify/slack-standin.js';
import { AMTOOL_BIN, type RunningBinary, startPrometheus } from '../support/binaries.js';
import { waitFor } from '../support/net.js';
import {
  eventually,
  type MailServer,
  type ScrapeTarget,
  sleep,
  startMailServer,
  startScrapeTarget,
  startTestKlaxon,
  type TestKlaxon,
} from './support.js';

const ROOT = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

interface RuleGroup {
  name: string;
  interval?: string;
  rules: Array<{ alert?: string; record?: string; expr: string; for?: string; annotations?: Record<string, string> }>;
}

/**
 * The example InstanceDown alert exactly as users run it (expression, labels, annotations), evaluated every
 * second with a 2s `for` so the test takes seconds rather than minutes.
 */
async function instanceDownRuleFile(): Promise<{ yaml: string; summaryTemplate: string }> {
  const doc = parse(await readFile(join(ROOT, 'rules/node.rules.yml'), 'utf8')) as { groups: RuleGroup[] };
  const rule = doc.groups.flatMap((g) => g.rules).find((r) => r.alert === 'InstanceDown');
  if (!rule) throw new Error('rules/node.rules.yml has no InstanceDown alert');
  return {
    yaml: stringify({ groups: [{ name: 'node.alerts', interval: '1s', rules: [{ ...rule, for: '2s' }] }] }),
    summaryTemplate: rule.annotations?.summary ?? '',
  };
}

describe('end to end: Prometheus scrape → Klaxon rule → email and Slack, resolve, amtool silence', () => {
  let target: ScrapeTarget;
  let prometheus: RunningBinary;
  let mail: MailServer;
  let slack: SlackStandIn;
  let klaxon: TestKlaxon;
  let instance: string;
  let summaryTemplate: string;

  beforeAll(async () => {
    target = await startScrapeTarget();
    instance = `127.0.0.1:${target.port}`;
    prometheus = await startPrometheus(
      `global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ['${instance}']
`,
    );
    mail = await startMailServer();
    slack = await startSlackStandIn();
    const rules = await instanceDownRuleFile();
    summaryTemplate = rules.summaryTemplate;
    klaxon = await startTestKlaxon({
      area: 'pipeline',
      datasourceUrl: prometheus.url,
      ruleFiles: ['node.rules.yml'],
      files: {
        'node.rules.yml': rules.yaml,
        'alertmanager.yml': `global:
  smtp_smarthost: 127.0.0.1:${mail.port}
  smtp_from: klaxon@example.com
  smtp_require_tls: true
  smtp_tls_config:
    insecure_skip_verify: true
route:
  receiver: oncall
  group_by: [alertname]
  group_wait: 500ms
  # Longer than a cold first SMTP delivery on a loaded machine.
  group_interval: 2s
  repeat_interval: 1h
receivers:
  - name: oncall
    email_configs:
      - to: oncall@example.com, backup@example.com
        send_resolved: true
    slack_configs:
      - app_token: xoxb-e2e-pipeline
        app_url: ${slack.apiUrl}
        channel: '#alerts'
        send_resolved: true
        update_message: true
`,
      },
    });
    // Prometheus must have scraped the healthy target before the test takes it down.
    await waitFor(
      async () => {
        const res = await fetch(`${prometheus.url}/api/v1/query?query=up`).then((r) => r.json());
        return (res as { data: { result: unknown[] } }).data.result.length > 0 ? true : undefined;
      },
      { timeoutMs: 30_000, what: 'the first scrape' },
    );
  }, 120_000);

  afterAll(async () => {
    await klaxon?.stop();
    await prometheus?.stop();
    await slack?.close();
    await mail?.close();
    await target?.close();
  });

  const posts = () => slack.calls.filter((c) => c.method === 'chat.postMessage');
  const updates = () => slack.calls.filter((c) => c.method === 'chat.update');

  it('pages on InstanceDown, resolves, and an amtool silence suppresses the next firing', async () => {
    const subjectLabels = `(${instance} node critical)`;
    const summary = summaryTemplate.replace('{{ $labels.instance }}', instance);
    expect(summary).toBe(`${instance} is down`);

    // 1. The target goes down: Prometheus records up == 0, the rule fires after `for`, both receivers hear it.
    target.healthy = false;
    await eventually(() => {
      expect(mail.mails).toHaveLength(1);
      expect(posts()).toHaveLength(1);
    }, 45_000).catch(async (err) => {
      console.log(await fetch(`${klaxon.url}/api/v1/rules`).then((r) => r.text()));
      console.log(await fetch(`${klaxon.url}/api/v2/alerts`).then((r) => r.text()));
      console.log(await fetch(`${prometheus.url}/api/v1/query?query=up`).then((r) => r.text()));
      throw err;
    });
    const firing = mail.mails[0]!;
    expect(firing.subject).toBe(`[FIRING:1] InstanceDown ${subjectLabels}`);
    expect(firing.to).toMatchObject({ text: 'oncall@example.com, backup@example.com' });
    expect(firing.html).toContain(summary);
    expect(firing.html).toContain('https://runbooks.example.com/node/instance-down');
    const posted = posts()[0]!;
    expect(posted.authorization).toBe('Bearer xoxb-e2e-pipeline');
    expect(posted.args.channel).toBe('#alerts');
    const attachment = (posted.args.attachments as Array<{ title: string; color: string }>)[0]!;
    expect(attachment.title).toBe(`[FIRING:1] InstanceDown ${subjectLabels}`);
    expect(attachment.color).toBe('#D50000'); // severity critical

    // 2. The target recovers: the rule resolves, a resolved mail goes out and the Slack message is updated.
    target.healthy = true;
    await eventually(() => {
      expect(mail.mails).toHaveLength(2);
      expect(updates()).toHaveLength(1);
    }, 45_000);
    expect(mail.mails[1]!.subject).toBe(`[RESOLVED] InstanceDown ${subjectLabels}`);
    const updated = updates()[0]!;
    expect(updated.args).toMatchObject({ channel: 'C0123ALERTS', ts: '1700000000.001' });
    expect((updated.args.attachments as Array<{ title: string }>)[0]!.title).toBe(
      `[RESOLVED] InstanceDown ${subjectLabels}`,
    );
    expect(posts()).toHaveLength(1);

    // 3. An operator silences InstanceDown with the real amtool, then the target goes down again.
    const amtool = (...args: string[]) =>
      run(AMTOOL_BIN, [`--alertmanager.url=${klaxon.url}`, ...args], { timeout: 30_000 });
    const added = await amtool(
      'silence',
      'add',
      'alertname=InstanceDown',
      '--author=e2e',
      '--comment=planned maintenance',
      '--duration=10m',
    );
    const silenceId = added.stdout.trim();
    expect(silenceId).toMatch(/^[0-9a-f-]{36}$/);
    const seen = { mails: mail.mails.length, slack: slack.calls.length };

    target.healthy = false;
    const silenced = await waitFor(
      async () => {
        const res = await fetch(`${klaxon.url}/api/v2/alerts?silenced=true&filter=alertname%3D%22InstanceDown%22`);
        const alerts = (await res.json()) as Array<{ status: { state: string; silencedBy: string[] } }>;
        return alerts.find((a) => a.status.state === 'suppressed');
      },
      { timeoutMs: 45_000, intervalMs: 250, what: 'the re-fired alert to show as silenced' },
    );
    expect(silenced.status.silencedBy).toEqual([silenceId]);
    const query = await amtool('alert', 'query', '--silenced', 'alertname=InstanceDown', '--output=json');
    const queried = JSON.parse(query.stdout) as Array<{ labels: Record<string, string>; status: { state: string } }>;
    expect(queried.map((a) => [a.labels.instance, a.status.state])).toEqual([[instance, 'suppressed']]);

    // Several group intervals pass without a page.
    await sleep(7_000);
    expect(mail.mails).toHaveLength(seen.mails);
    expect(slack.calls).toHaveLength(seen.slack);
  }, 180_000);
});
