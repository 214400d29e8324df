import { readFile } from 'node:fs/promises';
import type { WebhookSettings } from '../config.js';
import { classifyHttpStatus, fetchErrorReason, httpConfigHeaders, withTimeout } from '../http.js';
import type { IntegrationContext } from '../registry.js';
import { buildTemplateData } from '../template-data.js';
import type { DeliveryResult, Integration, NotificationRequest } from '../types.js';
import { webhookBody } from './payload.js';

async function resolveUrl(
  cfg: WebhookSettings,
  request: NotificationRequest,
  ctx: IntegrationContext,
): Promise<string> {
  const raw = cfg.url ? cfg.url : cfg.urlFile ? (await readFile(cfg.urlFile, 'utf8')).trim() : '';
  // Only templated URLs need rendering; plain URLs stay byte-identical.
  return raw.includes('{{') ? ctx.templates.render(raw, buildTemplateData(request)).trim() : raw;
}

export function createWebhookIntegration(cfg: WebhookSettings, index: number, ctx: IntegrationContext): Integration {
  return {
    type: 'webhook',
    index,
    sendResolved: cfg.sendResolved,
    async send(request: NotificationRequest, signal: AbortSignal): Promise<DeliveryResult> {
      let url: string;
      try {
        url = await resolveUrl(cfg, request, ctx);
      } catch (err) {
        return { kind: 'permanent', reason: `webhook url: ${(err as Error).message}` };
      }
      if (!url) return { kind: 'permanent', reason: 'webhook url is empty after templating' };
      const headers = { ...(await httpConfigHeaders(cfg.httpConfig)), 'content-type': 'application/json' };
      let res: Response;
      try {
        res = await fetch(url, {
          method: 'POST',
          headers,
          body: webhookBody(request, cfg.maxAlerts ?? 0),
          signal: withTimeout(signal, cfg.timeout),
          redirect: cfg.httpConfig?.followRedirects === false ? 'manual' : 'follow',
        });
      } catch (err) {
        return { kind: 'retry', reason: fetchErrorReason(err) };
      }
      // Drain the body so the keep-alive connection is reused.
      await res.arrayBuffer().catch(() => undefined);
      return classifyHttpStatus(res.status, res.headers.get('retry-after'), ctx.now());
    },
  };
}
