import { readFile } from 'node:fs/promises';
import type { WebhookSettings } from '../config.js';
import { classifyHttpStatus, httpConfigHeaders, requestErrorReason, withTimeout } from '../http.js';
import { createPoster, type PostResponse } from '../http-client.js';
import type { IntegrationContext } from '../integration-context.js';
import { redactText } from '../redact.js';
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
  const post = createPoster(cfg.httpConfig?.tlsConfig);
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
      let res: PostResponse;
      try {
        res = await post(url, {
          headers,
          body: webhookBody(request, cfg.maxAlerts ?? 0),
          signal: withTimeout(signal, cfg.timeout),
          followRedirects: cfg.httpConfig?.followRedirects !== false,
        });
      } catch (err) {
        return { kind: 'retry', reason: redactText(requestErrorReason(err)) };
      }
      return classifyHttpStatus(res.status, res.headers.get('retry-after'), ctx.now());
    },
  };
}
