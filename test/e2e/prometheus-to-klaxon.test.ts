import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningBinary, startPrometheus } from '../support/binaries.js';
import { startWebhookSink, type WebhookSink } from '../support/webhook-sink.js';
import { eventually, startTestKlaxon, type TestKlaxon } from './support.js';

/** Klaxon as Prometheus' Alertmanager: a real Prometheus evaluates its own rule and pushes to /api/v2/alerts. */
describe('end to end: real Prometheus with alerting.alertmanagers → Klaxon → webhook', () => {
  let sink: WebhookSink;
  let klaxon: TestKlaxon;
  let prometheus: RunningBinary;

  beforeAll(async () => {
    sink = await startWebhookSink();
    klaxon = await startTestKlaxon({
      area: 'prom2klaxon',
      roles: ['api', 'router', 'notifier'],
      files: {
        'alertmanager.yml': `route:
  receiver: hook
  group_by: [alertname]
  group_wait: 500ms
  group_interval: 2s
receivers:
  - name: hook
    webhook_configs:
      - url: ${sink.url}/prometheus
        send_resolved: true
`,
      },
    });
    prometheus = await startPrometheus(
      `global:
  evaluation_interval: 1s
  external_labels:
    cluster: e2e
rule_files: [rules.yml]
alerting:
  alertmanagers:
    - api_version: v2
      static_configs:
        - targets: ['127.0.0.1:${klaxon.port}']
`,
      {
        'rules.yml': `groups:
  - name: e2e
    rules:
      - alert: AlwaysFiring
        expr: vector(1)
        # Prometheus drops alerts sent before it has discovered an Alertmanager and only resends after
        # --rules.alert.resend-delay (1m); the notifier's discovery only reports targets after ~5s, so
        # firing 10s in lets it finish first (should it not, the resend a minute later still arrives).
        for: 10s
        labels:
          severity: info
        annotations:
          summary: Prometheus sent this through Klaxon
`,
      },
    );
  }, 120_000);

  afterAll(async () => {
    await prometheus?.stop();
    await klaxon?.stop();
    await sink?.close();
  });

  it('delivers the alert Prometheus evaluated, with its external labels, as one webhook notification', async () => {
    await eventually(() => expect(sink.deliveries.length).toBeGreaterThanOrEqual(1), 90_000).catch(async (err) => {
      console.log(prometheus.output());
      const m = await fetch(`${prometheus.url}/metrics`).then((r) => r.text());
      console.log(
        m
          .split('\n')
          .filter((l) => l.startsWith('prometheus_notifications'))
          .join('\n'),
      );
      console.log(await fetch(`${prometheus.url}/api/v1/alertmanagers`).then((r) => r.text()));
      console.log(await fetch(`${prometheus.url}/api/v1/alerts`).then((r) => r.text()));
      console.log(await fetch(`${klaxon.url}/api/v2/alerts`).then((r) => r.text()));
      throw err;
    });
    const body = sink.deliveries[0]!.body;
    expect(body).toMatchObject({
      version: '4',
      status: 'firing',
      receiver: 'hook',
      groupLabels: { alertname: 'AlwaysFiring' },
      commonLabels: { alertname: 'AlwaysFiring', severity: 'info', cluster: 'e2e' },
      commonAnnotations: { summary: 'Prometheus sent this through Klaxon' },
      externalURL: klaxon.url,
    });
    expect(body.groupKey).toBe('{}:{alertname="AlwaysFiring"}');
    const alert = body.alerts![0]!;
    expect(alert.status).toBe('firing');
    expect(String(alert.generatorURL)).toContain(`:${prometheus.port}/graph?g0.expr=vector%281%29`);
    expect(alert.endsAt).toBe('0001-01-01T00:00:00Z');

    // Klaxon holds the alert as received from Prometheus; further group intervals bring no second notification.
    const held = (await fetch(`${klaxon.url}/api/v2/alerts`).then((r) => r.json())) as Array<{
      labels: Record<string, string>;
      generatorURL: string;
    }>;
    expect(held.map((a) => a.labels)).toEqual([{ alertname: 'AlwaysFiring', severity: 'info', cluster: 'e2e' }]);
    await new Promise((r) => setTimeout(r, 5_000));
    expect(sink.deliveries).toHaveLength(1);
  }, 120_000);
});
