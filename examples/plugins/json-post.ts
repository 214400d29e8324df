/**
 * Example Klaxon receiver plugin: POSTs a compact JSON document per notification to any HTTP endpoint.
 *
 * Register it in klaxon.yml (plugin module paths) and use it in alertmanager.yml:
 *
 *   receivers:
 *     - name: ops-bus
 *       json_post_configs:
 *         - url: https://events.example.com/alerts
 *           headers: { X-Api-Key: secret }
 *           title: '{{ template "__subject" . }}'
 *
 * The plugin decides nothing about retries: it reports `retry` (5xx, network errors, 429 with its Retry-After)
 * or `permanent` (other 4xx) and Klaxon's notify queue does the rest.
 */
import { z } from 'zod';
import type { IntegrationPlugin } from '../../src/notify/registry.js';
import type { DeliveryResult, NotificationRequest } from '../../src/notify/types.js';

const configSchema = z
  .object({
    url: z.string().url(),
    headers: z.record(z.string(), z.string()).default({}),
    /** A template for the `title` field; defaults to Alertmanager's subject line. */
    title: z.string().default('{{ template "__subject" . }}'),
    send_resolved: z.boolean().default(true),
    timeout_ms: z.number().int().positive().default(10_000),
  })
  .strict();

type JsonPostConfig = z.infer<typeof configSchema>;

const plugin: IntegrationPlugin<JsonPostConfig> = {
  type: 'json_post',
  configSchema,
  create(config, ctx) {
    return {
      sendResolved: config.send_resolved,
      async send(request: NotificationRequest, signal: AbortSignal): Promise<DeliveryResult> {
        const data = ctx.buildTemplateData(request);
        let title: string;
        try {
          title = ctx.templates.render(config.title, data);
        } catch (err) {
          return { kind: 'permanent', reason: `template: ${(err as Error).message}` };
        }
        const body = {
          title,
          status: data.status,
          receiver: request.receiver,
          groupKey: request.groupKey,
          reason: request.notificationReason,
          alerts: request.alerts.map((a) => ({
            status: a.status,
            labels: a.labels,
            annotations: a.annotations,
            startsAt: new Date(a.startsAt).toISOString(),
            fingerprint: a.fingerprint,
          })),
        };
        let res: Response;
        try {
          res = await fetch(config.url, {
            method: 'POST',
            headers: { ...config.headers, 'content-type': 'application/json' },
            body: JSON.stringify(body),
            signal: AbortSignal.any([signal, AbortSignal.timeout(config.timeout_ms)]),
          });
        } catch (err) {
          return { kind: 'retry', reason: (err as Error).message };
        }
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) return { kind: 'delivered' };
        const reason = `unexpected status code ${res.status}`;
        if (res.status === 429) {
          const after = Number(res.headers.get('retry-after'));
          return Number.isFinite(after) && after > 0
            ? { kind: 'retry', reason, afterMs: after * 1000 }
            : { kind: 'retry', reason };
        }
        return res.status >= 500 ? { kind: 'retry', reason } : { kind: 'permanent', reason };
      },
    };
  },
};

export default plugin;
