import { Counter, Histogram, type Registry } from 'prom-client';
import { getOrCreate } from '../metrics/get-or-create.js';

export interface IngestMetrics {
  received: Counter<'status'>;
  invalid: Counter;
  writeAlerts: Histogram;
  writeSeconds: Histogram;
}

/**
 * The ingest metrics. The received and invalid counts keep Alertmanager's names, so its users' dashboards and
 * alerts on them work unchanged.
 */
export function ingestMetrics(registry: Registry): IngestMetrics {
  const registers = [registry];
  return {
    received: getOrCreate(
      registry,
      'alertmanager_alerts_received_total',
      () =>
        new Counter({
          name: 'alertmanager_alerts_received_total',
          help: 'The total number of received alerts.',
          labelNames: ['status'],
          registers,
        }),
    ),
    invalid: getOrCreate(
      registry,
      'alertmanager_alerts_invalid_total',
      () =>
        new Counter({
          name: 'alertmanager_alerts_invalid_total',
          help: 'The total number of received alerts that were invalid.',
          registers,
        }),
    ),
    writeAlerts: getOrCreate(
      registry,
      'klaxon_ingest_write_alerts',
      () =>
        new Histogram({
          name: 'klaxon_ingest_write_alerts',
          help: 'Alerts per ingest write to Redis (requests that arrive while a write runs share the next one).',
          buckets: [1, 10, 100, 250, 500, 1000, 2000, 5000],
          registers,
        }),
    ),
    writeSeconds: getOrCreate(
      registry,
      'klaxon_ingest_write_duration_seconds',
      () =>
        new Histogram({
          name: 'klaxon_ingest_write_duration_seconds',
          help: 'Duration of one ingest write: the alerts stored and added to their groups, and the flushes that were due.',
          buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
          registers,
        }),
    ),
  };
}
