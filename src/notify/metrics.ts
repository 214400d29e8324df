import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface NotifyMetrics {
  notifications: Counter<'receiver' | 'integration' | 'status'>;
  latency: Histogram<'receiver' | 'integration'>;
  queueJobs: Gauge<'state'>;
  inProcess: Gauge;
}

/** Registers (or reuses, when a registry already has them) the notifier's metrics. */
export function notifyMetrics(
  registry: Registry,
  countJobs: () => Promise<Record<string, number>>,
  inProcess: () => number,
): NotifyMetrics {
  const existing = registry.getSingleMetric('klaxon_notifications_total') as NotifyMetrics['notifications'] | undefined;
  if (existing) {
    return {
      notifications: existing,
      latency: registry.getSingleMetric('klaxon_notification_latency_seconds') as NotifyMetrics['latency'],
      queueJobs: registry.getSingleMetric('klaxon_notify_queue_jobs') as NotifyMetrics['queueJobs'],
      inProcess: registry.getSingleMetric('klaxon_notifications_in_process') as NotifyMetrics['inProcess'],
    };
  }
  return {
    notifications: new Counter({
      name: 'klaxon_notifications_total',
      help: 'Delivery attempts by receiver, integration and outcome (delivered, retry, rate_limited, failed).',
      labelNames: ['receiver', 'integration', 'status'],
      registers: [registry],
    }),
    latency: new Histogram({
      name: 'klaxon_notification_latency_seconds',
      help: 'Duration of one delivery attempt.',
      labelNames: ['receiver', 'integration'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    queueJobs: new Gauge({
      name: 'klaxon_notify_queue_jobs',
      help: 'Jobs in the notify queue by state (failed = dead letters).',
      labelNames: ['state'],
      registers: [registry],
      async collect() {
        // A scrape while Redis is unreachable (or after stop) keeps the last values instead of failing /metrics.
        const counts = await countJobs().catch(() => ({}));
        for (const [state, n] of Object.entries(counts)) this.set({ state }, n);
      },
    }),
    inProcess: new Gauge({
      name: 'klaxon_notifications_in_process',
      help: 'First delivery attempts running in this process, outside the notify queue.',
      registers: [registry],
      collect() {
        this.set(inProcess());
      },
    }),
  };
}
