import type { IntegrationInfo, NotificationRequest, Notifier } from '../../src/notify/types.js';

const WEBHOOK: IntegrationInfo = { type: 'webhook', index: 0, sendResolved: true };

/**
 * A notifier that only queues: each notification it is handed stays outstanding (its claim held) until the test
 * reports its outcome to the dispatcher. `sent` lists them in order.
 */
export function queueOnlyNotifier(integrations: IntegrationInfo[] = [WEBHOOK]) {
  const sent: NotificationRequest[] = [];
  const notifier: Notifier = {
    integrationsFor: () => integrations,
    async enqueue(request) {
      sent.push(request);
    },
    retryHorizonMs: () => 60_000,
  };
  return { notifier, sent };
}
