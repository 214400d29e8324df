/**
 * Differential test of time intervals against the real Alertmanager 0.25: one route per random interval (muted by
 * it, or active only within it); an alert per route; the routes Alertmanager notifies must be exactly those whose
 * interval Klaxon evaluates as allowing the flush. Cases whose verdict could flip during the run are left out.
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAlertmanagerConfig } from '../../src/config/alertmanager/index.js';
import { isInTimeInterval, MONTHS, WEEKDAYS } from '../../src/time/intervals.js';
import { type RunningBinary, startAlertmanager } from '../support/binaries.js';
import { freePort } from '../support/net.js';

let am: RunningBinary | undefined;
let sink: Server | undefined;
afterAll(async () => {
  sink?.close();
  await am?.stop();
});

const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
const range = (a: number, b: number) => (a === b ? `${a}` : `${Math.min(a, b)}:${Math.max(a, b)}`);

/** One time_intervals spec as YAML flow text, built from random (always valid) fields. */
const spec = fc
  .record(
    {
      times: fc.tuple(fc.nat(1439), fc.integer({ min: 1, max: 720 })).map(([s, len]) => {
        const end = Math.min(s + len, 1440);
        return `times: [{start_time: '${hhmm(s)}', end_time: '${hhmm(end === s ? s + 1 : end)}'}]`;
      }),
      weekdays: fc
        .tuple(fc.nat(6), fc.nat(6))
        .map(([a, b]) => `weekdays: ['${WEEKDAYS[Math.min(a, b)]}:${WEEKDAYS[Math.max(a, b)]}']`),
      days: fc.oneof(
        fc
          .tuple(fc.integer({ min: 1, max: 31 }), fc.integer({ min: 1, max: 31 }))
          .map(([a, b]) => `days_of_month: ['${range(a, b)}']`),
        fc
          .tuple(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 20 }))
          .map(([a, b]) => `days_of_month: ['-${Math.max(a, b)}:-${Math.min(a, b)}']`),
      ),
      months: fc
        .tuple(fc.nat(11), fc.nat(11))
        .map(([a, b]) => `months: ['${MONTHS[Math.min(a, b)]}:${MONTHS[Math.max(a, b)]}']`),
      years: fc.integer({ min: 2025, max: 2027 }).map((y) => `years: ['${y}']`),
      location: fc.constantFrom(
        'UTC',
        'Asia/Tokyo',
        'America/New_York',
        'Europe/Berlin',
        'Australia/Adelaide',
        'Asia/Kolkata',
      ),
    },
    { requiredKeys: ['location'] },
  )
  .map(
    (r) =>
      `{${[r.times, r.weekdays, r.days, r.months, r.years, `location: '${r.location}'`].filter(Boolean).join(', ')}}`,
  );

describe('differential: time intervals against Alertmanager 0.25', () => {
  it('mutes and activates the same routes', async () => {
    const cases = fc.sample(fc.tuple(fc.array(spec, { minLength: 1, maxLength: 2 }), fc.boolean()), {
      numRuns: 60,
      seed: 99,
    });
    const sinkPort = await freePort();
    const notified = new Set<string>();
    sink = createHttpServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString();
      });
      req.on('end', () => {
        const payload = JSON.parse(body) as { groupLabels: { case: string } };
        notified.add(payload.groupLabels.case);
        res.end();
      });
    });
    await new Promise<void>((r) => sink!.listen(sinkPort, '127.0.0.1', r));

    const routes = cases
      .map(
        ([, mute], i) => `    - matchers: ['case="${i}"']\n      ${mute ? 'mute' : 'active'}_time_intervals: [ti${i}]`,
      )
      .join('\n');
    const intervals = cases
      .map(([specs], i) => `  - name: ti${i}\n    time_intervals: [${specs.join(', ')}]`)
      .join('\n');
    const source = `route:
  receiver: sink
  group_by: [case]
  group_wait: 100ms
  group_interval: 1h
  repeat_interval: 2h
  routes:
${routes}
time_intervals:
${intervals}
receivers:
  - name: sink
    webhook_configs: [{url: 'http://127.0.0.1:${sinkPort}/'}]
`;
    const { config, problems } = parseAlertmanagerConfig('alertmanager.yml', source);
    expect(problems).toEqual([]);

    am = await startAlertmanager(source);
    const base = am.url;
    const t0 = Date.now();
    const post = await fetch(`${base}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(cases.map((_, i) => ({ labels: { alertname: 'Diff', case: String(i) } }))),
    });
    expect(post.status).toBe(200);
    // Verdicts must hold for the whole window in which Alertmanager may flush.
    const t1 = t0 + 15_000;
    const expected: string[] = [];
    const stableCases: string[] = [];
    config!.route.routes.forEach((route, i) => {
      const name = route.muteTimeIntervals[0] ?? route.activeTimeIntervals[0]!;
      const specs = config!.timeIntervals.get(name)!;
      const inside = isInTimeInterval(specs, t0);
      if (inside !== isInTimeInterval(specs, t1)) return;
      stableCases.push(String(i));
      if (route.muteTimeIntervals.length > 0 ? !inside : inside) expected.push(String(i));
    });
    // Wait for the expected notifications (bounded), then a little longer for any unexpected ones.
    for (let i = 0; i < 100 && !expected.every((c) => notified.has(c)); i++)
      await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 500));
    const stable = stableCases.length;
    const observed = stableCases.filter((c) => notified.has(c));
    expect(observed).toEqual(expected);
    expect(stable).toBeGreaterThan(50);
    // Both outcomes must occur for the comparison to mean something.
    expect(expected.length).toBeGreaterThan(5);
    expect(expected.length).toBeLessThan(stable - 5);
  }, 30_000);
});
