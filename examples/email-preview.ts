/**
 * Renders the Klaxon-branded email (templates/klaxon-email.tmpl) and Alertmanager's default one for a sample
 * group, and screenshots both in headless Chromium into docs/:
 *
 *   npx tsx examples/email-preview.ts [/usr/bin/chromium]
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { fingerprint } from '../src/labels/labels.js';
import { buildTemplateData } from '../src/notify/template-data.js';
import type { AlertSnapshot, NotificationRequest } from '../src/notify/types.js';
import { NotificationTemplates } from '../src/template/index.js';

const root = (p: string) => fileURLToPath(new URL(`../${p}`, import.meta.url));
const started = Date.parse('2026-11-25T09:12:00Z');

function sample(labels: Record<string, string>, annotations: Record<string, string>, resolved = false): AlertSnapshot {
  return {
    status: resolved ? 'resolved' : 'firing',
    labels,
    annotations,
    startsAt: started,
    endsAt: resolved ? started + 28 * 60_000 : 0,
    updatedAt: started,
    generatorURL: 'http://prometheus:9090/graph?g0.expr=node_filesystem_avail_bytes',
    fingerprint: fingerprint(labels),
  };
}

const request: NotificationRequest = {
  groupKey: '{}:{alertname="DiskFull"}',
  receiver: 'team-storage',
  integration: 'email',
  integrationIndex: 0,
  groupLabels: { alertname: 'DiskFull' },
  routeLabels: {},
  notificationReason: 'new alerts added',
  firingHashes: [],
  resolvedHashes: [],
  flushTs: started,
  externalURL: 'https://klaxon.example.com',
  alerts: [
    sample(
      { alertname: 'DiskFull', instance: 'db1:9100', severity: 'critical', cluster: 'eu1', mountpoint: '/var/lib/pg' },
      {
        summary: 'Disk on db1 is 97% full',
        description: 'Less than 3% left on /var/lib/pg; writes fail within about 2 hours.',
        runbook_url: 'https://runbooks.example.com/disk-full',
        dashboard_url: 'https://grafana.example.com/d/disk',
      },
    ),
    sample(
      { alertname: 'DiskFull', instance: 'db2:9100', severity: 'warning', cluster: 'eu1', mountpoint: '/var/log' },
      { summary: 'Disk on db2 is 91% full', runbook_url: 'https://runbooks.example.com/disk-full' },
    ),
    sample(
      { alertname: 'DiskFull', instance: 'db3:9100', severity: 'warning', cluster: 'eu1', mountpoint: '/var/log' },
      { summary: 'Disk on db3 was 92% full' },
      true,
    ),
  ],
};

const templates = NotificationTemplates.load([root('templates/klaxon-email.tmpl')]);
const data = buildTemplateData(request);
const browser = await chromium.launch({
  executablePath: process.argv[2] ?? '/usr/bin/chromium',
  args: ['--no-sandbox'],
});
const page = await browser.newPage({ viewport: { width: 680, height: 400 } });
for (const [template, name] of [
  ['klaxon.email.html', 'email-klaxon'],
  ['email.default.html', 'email-alertmanager-default'],
]) {
  const html = templates.render(`{{ template "${template}" . }}`, data, { html: true });
  writeFileSync(`/tmp/${name}.html`, html);
  await page.setContent(html);
  await page.screenshot({ path: root(`docs/${name}.png`), fullPage: true });
}
await browser.close();
