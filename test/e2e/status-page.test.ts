import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeDatasource, startFakeDatasource } from '../support/datasource.js';
import { startWebhookSink, type WebhookSink } from '../support/webhook-sink.js';
import { eventually, startTestKlaxon, type TestKlaxon } from './support.js';

const ROOT = resolve(import.meta.dirname, '../..');
// The README's picture is refreshed only on request, so a test run never dirties the checkout.
const UPDATE_SCREENSHOT = process.env.KLAXON_UPDATE_SCREENSHOTS === '1';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The operator's page at `/` in a real headless Chromium: every section shows what Klaxon is doing. */
describe('status page in headless Chromium', () => {
  let datasource: FakeDatasource;
  let sink: WebhookSink;
  let klaxon: TestKlaxon;
  let profileDir: string;
  let browser: BrowserContext;
  let silenceId: string;

  beforeAll(async () => {
    datasource = await startFakeDatasource();
    datasource.set('disk_used_ratio > 0.9', [{ labels: { instance: 'db1', mountpoint: '/var' }, value: 0.97 }]);
    sink = await startWebhookSink();
    klaxon = await startTestKlaxon({
      area: 'status-page',
      datasourceUrl: datasource.url,
      ruleFiles: ['disk.rules.yml'],
      files: {
        'disk.rules.yml': `groups:
  - name: disk.alerts
    interval: 1s
    rules:
      - alert: DiskAlmostFull
        expr: disk_used_ratio > 0.9
        labels:
          severity: warning
        annotations:
          summary: "{{ $labels.mountpoint }} on {{ $labels.instance }} is {{ $value | humanizePercentage }} full"
`,
        'alertmanager.yml': `route:
  receiver: ops-webhook
  group_by: [alertname]
  group_wait: 200ms
  group_interval: 2s
receivers:
  - name: ops-webhook
    webhook_configs:
      - url: ${sink.url}/ops
`,
      },
    });
    const res = await fetch(`${klaxon.url}/api/v2/silences`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        matchers: [{ name: 'alertname', value: 'NightlyBackupSlow', isRegex: false, isEqual: true }],
        startsAt: new Date().toISOString(),
        endsAt: new Date(Date.now() + 2 * 3_600_000).toISOString(),
        createdBy: 'ops@example.com',
        comment: 'backup window moved',
      }),
    });
    expect(res.status).toBe(200);
    silenceId = ((await res.json()) as { silenceID: string }).silenceID;
    profileDir = await mkdtemp(join(tmpdir(), 'klaxon-e2e-chromium-'));
    browser = await chromium.launchPersistentContext(profileDir, {
      executablePath: '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 800 },
      timeout: 60_000,
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (profileDir) await rm(profileDir, { recursive: true, force: true });
    await klaxon?.stop();
    await sink?.close();
    await datasource?.close();
  });

  it('lists the rule group, the firing alert, the silence and the delivery, and is saved as a screenshot', async () => {
    // The rule fires, the router notifies the webhook, and the delivery is recorded.
    await eventually(() => expect(sink.deliveries).toHaveLength(1), 60_000);
    await eventually(async () => {
      const page = await fetch(`${klaxon.url}/`).then((r) => r.text());
      expect(page).toContain('ops-webhook');
    }, 30_000);

    const page = await browser.newPage();
    const response = await page.goto(`${klaxon.url}/`, { waitUntil: 'load', timeout: 60_000 });
    expect(response?.status()).toBe(200);
    expect(await page.title()).toBe('Klaxon');

    const section = (title: string) => page.locator('section', { has: page.locator('h2', { hasText: title }) });
    const rows = async (title: string) =>
      section(title)
        .locator('tbody tr')
        .evaluateAll((trs) =>
          trs.map((tr) =>
            Array.from(tr.querySelectorAll('td'), (td: { textContent: string | null }) =>
              (td.textContent ?? '').trim(),
            ),
          ),
        );

    const groups = await rows('Rule groups');
    expect(groups).toHaveLength(1);
    expect(groups[0]!.slice(0, 4)).toEqual(['disk.alerts', join(klaxon.dir, 'disk.rules.yml'), '1', 'ok']);

    const alerts = await rows('Active alerts');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]![0]).toBe('DiskAlmostFull');
    expect(alerts[0]![1]).toBe('active');
    expect(alerts[0]![3]).toBe('/var on db1 is 97% full');
    expect(alerts[0]![4]).toContain('severity="warning"');

    const silences = await rows('Silences');
    expect(silences).toHaveLength(1);
    expect(silences[0]!).toEqual([
      silenceId,
      'active',
      expect.stringContaining('alertname="NightlyBackupSlow"'),
      expect.any(String),
      'ops@example.com',
      'backup window moved',
    ]);

    const deliveries = await rows('Recent deliveries');
    expect(deliveries.length).toBeGreaterThanOrEqual(1);
    expect(deliveries[0]!.slice(1, 5)).toEqual([
      'ops-webhook',
      'webhook',
      'delivered',
      '{}:{alertname="DiskAlmostFull"}',
    ]);

    const png = await page.screenshot({
      fullPage: true,
      ...(UPDATE_SCREENSHOT ? { path: join(ROOT, 'docs/status-page.png') } : {}),
    });
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.length).toBeGreaterThan(20_000);
  }, 180_000);
});
