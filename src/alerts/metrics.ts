import { Counter, Histogram, type Registry } from 'prom-client';

export interface IngestMetrics {
  received: Counter<'status'>;
  invalid: Counter;
  writeAlerts: Histogram;
  writeSeconds: Histogram;
}

/**
 * Registers (or reuses, when a registry already has them) the ingest metrics. The received and invalid counts keep
 * Alertmanager's names, so its users' dashboards and alerts on them work unchanged.
 */
export function ingestMetrics(registry: Registry): IngestMetrics {
  const existing = registry.getSingleMetric('alertmanager_alerts_received_total') as
    | IngestMetrics['received']
    | undefined;
  if (existing) {
    return {
      received: existing,
      invalid: registry.getSingleMetric('alertmanager_alerts_invalid_total') as IngestMetrics['invalid'],
      writeAlerts: registry.getSingleMetric('klaxon_ingest_write_alerts') as IngestMetrics['writeAlerts'],
      writeSeconds: registry.getSingleMetric('klaxon_ingest_write_duration_seconds') as IngestMetrics['writeSeconds'],
    };
  }
  return {
    received: new Counter({
      name: 'alertmanager_alerts_received_total',
      help: 'The total number of received alerts.',
      labelNames: ['status'],
      registers: [registry],
    }),
    invalid: new Counter({
      name: 'alertmanager_alerts_invalid_total',
      help: 'The total number of received alerts that were invalid.',
      registers: [registry],
    }),
    writeAlerts: new Histogram({
      name: 'klaxon_ingest_write_alerts',
      help: 'Alerts per ingest write to Redis (requests that arrive while a write runs share the next one).',
      buckets: [1, 10, 100, 250, 500, 1000, 2000, 5000],
      registers: [registry],
    }),
    writeSeconds: new Histogram({
      name: 'klaxon_ingest_write_duration_seconds',
      help: 'Duration of one ingest write: the alerts stored and added to their groups, and the flushes that were due.',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
  };
}
