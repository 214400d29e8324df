import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifier, type KlaxonNotifier } from '../../src/notify/notifier.js';
import { IntegrationRegistry, loadPlugins, ReceiverConfigError } from '../../src/notify/registry.js';
import { NotificationTemplates } from '../../src/template/index.js';
import { outcomeRecorder, request, type Sink, startSink, type TestDeps, testDeps } from './helpers.js';

const pluginPath = fileURLToPath(new URL('../../examples/plugins/json-post.ts', import.meta.url));

describe('receiver plugins (examples/plugins/json-post)', () => {
  let deps: TestDeps;
  let sink: Sink;
  let notifier: KlaxonNotifier;
  const rec = outcomeRecorder();

  beforeAll(async () => {
    deps = await testDeps('notify-plugin');
    sink = await startSink((r, res) => res.writeHead(r.path === '/teapot' ? 418 : 202).end());
    notifier = createNotifier(deps, {
      receivers: [
        {
          name: 'bus',
          other: {
            json_post_configs: [
              { url: `${sink.url}/events`, headers: { 'X-Api-Key': 'k1' } },
              { url: `${sink.url}/teapot`, send_resolved: false },
            ],
          },
        },
      ],
      templates: await NotificationTemplates.load([]),
      plugins: await loadPlugins([pluginPath]),
      onOutcome: rec.handler,
      backoffMs: 50,
    });
    await notifier.start();
  });

  afterAll(async () => {
    await notifier.stop();
    await sink.close();
    await deps.cleanup();
  });

  it('registers the plugin by its config section and delivers through the queue', async () => {
    expect(notifier.integrationsFor('bus')).toEqual([
      { type: 'json_post', index: 0, sendResolved: true },
      { type: 'json_post', index: 1, sendResolved: false },
    ]);
    await notifier.enqueue(request({ receiver: 'bus', integration: 'json_post', integrationIndex: 0 }));
    await notifier.enqueue(request({ receiver: 'bus', integration: 'json_post', integrationIndex: 1 }));
    await rec.waitFor(2);
    const byIndex = new Map(rec.outcomes.map((o) => [o.request.integrationIndex, o.outcome]));
    expect(byIndex.get(0)).toEqual({ delivered: true });
    expect(byIndex.get(1)).toEqual({ delivered: false, reason: 'unexpected status code 418' });
    const event = sink.received.find((r) => r.path === '/events')!;
    expect(event.headers['x-api-key']).toBe('k1');
    const body = JSON.parse(event.body);
    expect(body).toMatchObject({
      title: '[FIRING:1] HighLatency (eu1)',
      status: 'firing',
      receiver: 'bus',
      alerts: [{ labels: { alertname: 'HighLatency', cluster: 'eu1' } }],
    });
  });

  it('rejects invalid plugin configs and unknown sections when the config is loaded', async () => {
    const plugins = await loadPlugins([pluginPath]);
    const ctx = {
      templates: await NotificationTemplates.load([]),
      redis: deps.redis,
      keyPrefix: deps.keyPrefix,
      logger: pino({ level: 'silent' }),
      now: Date.now,
    };
    expect(
      () => new IntegrationRegistry([{ name: 'x', other: { json_post_configs: [{ url: 'nope' }] } }], ctx, plugins),
    ).toThrow(ReceiverConfigError);
    expect(() => new IntegrationRegistry([{ name: 'x', other: { pager_configs: [{}] } }], ctx, plugins)).toThrow(
      'receiver x: no integration registered for pager_configs',
    );
    await expect(loadPlugins([fileURLToPath(new URL('./helpers.ts', import.meta.url))])).rejects.toThrow(
      /must export \{ type, configSchema, create \}/,
    );
  });
});
