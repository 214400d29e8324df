import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { createRouter, type Router } from '../../src/app/router.js';
import { createSilences, type SilencesComponent } from '../../src/app/silences.js';
import { parseAlertmanagerConfig } from '../../src/config/alertmanager/index.js';
import { FLUSH_QUEUE } from '../../src/dispatch/dispatcher.js';
import type { IntegrationInfo, NotificationRequest, Notifier } from '../../src/notify/types.js';
import { waitFor } from '../support/net.js';
import { redisTestDeps } from '../support/redis-deps.js';

const CONFIG = `
route:
  receiver: pager
  group_by: [alertname]
  group_wait: 0s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: pager
    webhook_configs:
      - url: http://127.0.0.1:9/pager
`;

/** Records requests and reports them delivered, standing in for the notify queue. */
class RecordingNotifier implements Notifier {
  readonly sent: NotificationRequest[] = [];
  onOutcome: Router['onOutcome'] | undefined;
  integrationsFor(): IntegrationInfo[] {
    return [{ type: 'webhook', index: 0, sendResolved: true }];
  }
  async enqueue(request: NotificationRequest): Promise<void> {
    this.sent.push(request);
    setTimeout(() => void this.onOutcome?.(request, { delivered: true }), 5);
  }
}

interface Instance {
  app: FastifyInstance;
  notifier: RecordingNotifier;
  stop(): Promise<void>;
}

async function startRouter(sendResolvedWhenSilenced: boolean): Promise<Instance> {
  const deps = redisTestDeps('silenced-resolved', { queues: [FLUSH_QUEUE] });
  const { config } = parseAlertmanagerConfig('am.yml', CONFIG);
  const notifier = new RecordingNotifier();
  const silences: SilencesComponent = createSilences(deps);
  const router = createRouter(deps, {
    config: config!,
    notifier,
    silencer: silences.silencer,
    sendResolvedWhenSilenced,
    externalURL: 'http://klaxon',
  });
  notifier.onOutcome = router.onOutcome;
  const app = Fastify();
  silences.routes?.(app);
  router.routes?.(app);
  await app.ready();
  await silences.start();
  await router.start();
  return {
    app,
    notifier,
    async stop() {
      await router.stop();
      await silences.stop();
      await app.close();
      await deps.cleanup();
    },
  };
}

/** Fires an alert, silences it once paged, then resolves it; returns the statuses the pager was sent. */
async function fireSilenceResolve(k: Instance): Promise<string[]> {
  const post = (endsAt?: string) =>
    k.app.inject({
      method: 'POST',
      url: '/api/v2/alerts',
      payload: [{ labels: { alertname: 'DiskFull', instance: 'db1' }, ...(endsAt ? { endsAt } : {}) }],
    });
  expect((await post()).statusCode).toBe(200);
  await waitFor(() => (k.notifier.sent.length === 1 ? true : undefined), { what: 'the firing page' });
  const silence = await k.app.inject({
    method: 'POST',
    url: '/api/v2/silences',
    payload: {
      matchers: [{ name: 'alertname', value: 'DiskFull', isRegex: false, isEqual: true }],
      startsAt: new Date().toISOString(),
      endsAt: new Date(Date.now() + 3600_000).toISOString(),
      createdBy: 'oncall',
      comment: 'acknowledged',
    },
  });
  expect(silence.statusCode).toBe(200);
  expect((await post(new Date().toISOString())).statusCode).toBe(200);
  // group_interval is 1 s: three intervals are enough for a resolved notice to go out if it is going to.
  await new Promise((r) => setTimeout(r, 3500));
  return k.notifier.sent.map((r) => `${r.alerts.map((a) => a.status).join(',')}`);
}

describe('alerts resolved while silenced', () => {
  const instances: Instance[] = [];
  afterAll(async () => {
    for (const k of instances) await k.stop();
  });

  it('get no resolved notice by default, as in Alertmanager (AM#226)', async () => {
    const k = await startRouter(false);
    instances.push(k);
    expect(await fireSilenceResolve(k)).toEqual(['firing']);
  }, 20_000);

  it('close the page with send_resolved_when_silenced: one resolved notice to the receiver that was paged', async () => {
    const k = await startRouter(true);
    instances.push(k);
    expect(await fireSilenceResolve(k)).toEqual(['firing', 'resolved']);
  }, 20_000);
});
