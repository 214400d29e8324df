/**
 * Template engine micro-benchmark: parse and render of typical rule annotations and of the default
 * Slack / e-mail notification templates. Prints ns/op. Run: npx tsx bench/template.ts
 */

import { loadavg } from 'node:os';
import type { NotificationData } from '../src/template/index.js';
import { NotificationTemplates } from '../src/template/index.js';
import { prometheusFuncs } from '../src/template/prometheus-funcs.js';
import { expandRuleTemplateSync } from '../src/template/rule-templates.js';
import { TemplateSet } from '../src/template/template-set.js';

function bench(name: string, fn: () => unknown, minMs = 400): void {
  // Warm up long enough for the JIT to optimise the hot paths.
  const warmEnd = performance.now() + minMs / 2;
  while (performance.now() < warmEnd) for (let i = 0; i < 10; i++) fn();
  let n = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0n;
  do {
    for (let i = 0; i < 100; i++) fn();
    n += 100;
    elapsed = process.hrtime.bigint() - start;
  } while (elapsed < BigInt(minMs) * 1_000_000n);
  const ns = Number(elapsed) / n;
  console.log(`${name.padEnd(48)} ${ns.toFixed(0).padStart(10)} ns/op  (${n} ops)`);
}

// Timings scale with machine load; print it so numbers from a busy shared host can be read accordingly.
console.log(
  `load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);

const ANNOTATIONS = [
  'Filesystem on {{ $labels.device }}, mounted on {{ $labels.mountpoint }}, at {{ $labels.instance }} has only {{ printf "%.2f" $value }}% available space left.',
  '{{ $labels.instance }} of job {{ $labels.job }} has been down for more than 5 minutes.',
  'CPU usage is {{ $value | humanizePercentage }} on {{ $labels.instance }}.',
  '{{ with $labels.cluster -}} on cluster {{ . }} {{- end }} latency {{ $value | humanizeDuration }}',
];
const ruleData = {
  labels: {
    __name__: 'x',
    instance: 'node-1:9100',
    job: 'node',
    device: '/dev/sda1',
    mountpoint: '/',
    cluster: 'eu-1',
  },
  externalLabels: {},
  externalURL: 'http://prometheus:9090',
  value: 12.3456,
};

const prelude =
  '{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}';
const funcs = prometheusFuncs(() => ({ evalTimeMs: 0, externalURL: '', resolved: new Map() }));
bench('parse: typical annotation (uncached)', () =>
  new TemplateSet(funcs, 'zero').parse('__alert_X', prelude + ANNOTATIONS[0]),
);
for (const [i, text] of ANNOTATIONS.entries()) {
  bench(`render: annotation #${i + 1} (cached parse)`, () => expandRuleTemplateSync('NodeAlert', text, ruleData, 0));
}

const alert = (i: number) => ({
  status: 'firing' as const,
  labels: { alertname: 'HighLatency', instance: `web-${i}:8080`, job: 'web', severity: 'warning' },
  annotations: { summary: 'p99 latency above 1s', description: `latency is 1.${i}s on web-${i}` },
  startsAt: new Date('2026-01-01T00:00:00Z'),
  endsAt: new Date('0001-01-01T00:00:00Z'),
  generatorURL: 'http://prometheus:9090/graph?g0.expr=up&g0.tab=1',
  fingerprint: '0123456789abcdef',
});
const data: NotificationData = {
  receiver: 'team-web',
  status: 'firing',
  alerts: [alert(1), alert(2), alert(3)],
  groupLabels: { alertname: 'HighLatency' },
  commonLabels: { alertname: 'HighLatency', job: 'web', severity: 'warning' },
  commonAnnotations: { summary: 'p99 latency above 1s' },
  externalURL: 'http://alertmanager:9093',
  groupKey: '{}:{alertname="HighLatency"}',
};

bench('load: default.tmpl + email.tmpl', () => NotificationTemplates.fromSources([]), 1000);
const t = NotificationTemplates.fromSources([]);
bench('render: slack.default.title', () => t.render('{{ template "slack.default.title" . }}', data));
bench('render: slack.default.fallback', () => t.render('{{ template "slack.default.fallback" . }}', data));
bench('render: __text_alert_list (3 alerts)', () => t.render('{{ template "__text_alert_list" .Alerts }}', data));
bench('render: email.default.html (3 alerts, HTML mode)', () =>
  t.render('{{ template "email.default.html" . }}', data, { html: true }),
);
