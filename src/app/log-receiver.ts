import type { Logger } from 'pino';
import type { Component } from './component.js';

interface WebhookBody {
  receiver?: string;
  status?: string;
  groupKey?: string;
  alerts?: Array<{ status?: string; labels?: Record<string, string>; annotations?: Record<string, string> }>;
}

/**
 * The default configuration's receiver: a webhook endpoint on Klaxon itself that writes each
 * notification to the log, so `npm start` shows what would have paged before Slack or email is set up.
 */
export function logReceiverRoutes(logger: Logger): Component {
  const log = logger.child({ component: 'log-receiver' });
  return {
    name: 'log-receiver',
    routes(app) {
      app.post('/api/klaxon/v1/log-receiver', async (request) => {
        const body = (request.body ?? {}) as WebhookBody;
        for (const alert of body.alerts ?? []) {
          log.info(
            {
              receiver: body.receiver,
              groupKey: body.groupKey,
              status: alert.status,
              labels: alert.labels,
              summary: alert.annotations?.summary,
            },
            `notification: [${(alert.status ?? '').toUpperCase()}] ${alert.labels?.alertname ?? ''}`,
          );
        }
        return {};
      });
    },
    async start() {},
    async stop() {},
  };
}
