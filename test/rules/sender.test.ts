import { afterAll, describe, expect, it } from 'vitest';
import { AlertmanagerSender } from '../../src/rules/sender.js';
import { type RunningBinary, startAlertmanager } from '../support/binaries.js';
import { freePort, listen, sleep } from './harness.js';

const T = Date.parse('2026-08-22T10:00:00.123Z');

describe('AlertmanagerSender', () => {
  it('POSTs batches to /api/v2/alerts of every Alertmanager with millisecond RFC 3339 times', async () => {
    const bodies: { url: string; alerts: Record<string, unknown>[] }[] = [];
    const am = await listen((req, body, res) => {
      bodies.push({ url: req.url ?? '', alerts: JSON.parse(body) });
      res.end();
    });
    const sender = new AlertmanagerSender({ urls: [`http://127.0.0.1:${am.port}/`], batchSize: 2 });
    const alert = (i: number) => ({
      labels: { alertname: `A${i}` },
      annotations: { summary: 's' },
      startsAt: T,
      endsAt: T + 240_000,
      generatorURL: 'http://g',
    });
    await sender.send([alert(1), alert(2), alert(3)]);
    await am.close();
    expect(bodies.map((b) => b.url)).toEqual(['/api/v2/alerts', '/api/v2/alerts']);
    expect(bodies.map((b) => b.alerts.length)).toEqual([2, 1]);
    expect(bodies[0]!.alerts[0]).toEqual({
      labels: { alertname: 'A1' },
      annotations: { summary: 's' },
      startsAt: '2026-08-22T10:00:00.123Z',
      endsAt: '2026-08-22T10:04:00.123Z',
      generatorURL: 'http://g',
    });
  });

  it('succeeds if one Alertmanager answers, rejects when all fail', async () => {
    const ok = await listen((_req, _b, res) => res.end());
    const down = `http://127.0.0.1:${await freePort()}`;
    const errors: string[] = [];
    const sender = new AlertmanagerSender({
      urls: [down, `http://127.0.0.1:${ok.port}`],
      onError: (u) => errors.push(u),
    });
    await sender.send([{ labels: { alertname: 'X' }, annotations: {} }]);
    expect(errors).toEqual([`${down}/api/v2/alerts`]);
    await ok.close();
    await expect(
      new AlertmanagerSender({ urls: [down] }).send([{ labels: { a: 'b' }, annotations: {} }]),
    ).rejects.toThrow(/failed on every Alertmanager/);
  });
});

describe('AlertmanagerSender against the real Alertmanager', () => {
  let am: RunningBinary | undefined;
  afterAll(async () => {
    await am?.stop();
  });

  it('is accepted by /usr/bin/prometheus-alertmanager', async () => {
    am = await startAlertmanager('route:\n  receiver: blackhole\nreceivers:\n  - name: blackhole\n');
    const url = am.url;
    const startsAt = Date.now() - 1000;
    await new AlertmanagerSender({ urls: [url] }).send([
      {
        labels: { alertname: 'FromKlaxon', severity: 'page' },
        annotations: { summary: 'hi' },
        startsAt,
        endsAt: startsAt + 240_000,
      },
    ]);
    await sleep(100);
    const alerts = (await (await fetch(`${url}/api/v2/alerts`)).json()) as {
      labels: Record<string, string>;
      annotations: Record<string, string>;
      startsAt: string;
      status: { state: string };
    }[];
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      labels: { alertname: 'FromKlaxon', severity: 'page' },
      annotations: { summary: 'hi' },
      startsAt: new Date(startsAt).toISOString(),
      status: { state: 'active' },
    });
  });
});
