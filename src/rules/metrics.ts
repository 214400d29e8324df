import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { getOrCreate } from '../metrics/get-or-create.js';

/** Ruler metrics; `rule_group` is `<file>;<name>` like Prometheus' `prometheus_rule_group_*` series. */
export class RulerMetrics {
  readonly iterations: Counter<'rule_group'>;
  readonly missed: Counter<'rule_group'>;
  readonly failures: Counter<'rule_group'>;
  readonly duration: Histogram;
  readonly lastDuration: Gauge<'rule_group'>;
  readonly lastEvaluation: Gauge<'rule_group'>;
  readonly scheduleDelay: Histogram;
  readonly alerts: Gauge<'rule_group' | 'state'>;
  readonly sendFailures: Counter;

  constructor(registry: Registry) {
    const registers = [registry];
    this.iterations = getOrCreate(
      registry,
      'klaxon_rule_group_iterations_total',
      () =>
        new Counter({
          name: 'klaxon_rule_group_iterations_total',
          help: 'Rule group evaluations run.',
          labelNames: ['rule_group'],
          registers,
        }),
    );
    this.missed = getOrCreate(
      registry,
      'klaxon_rule_group_iterations_missed_total',
      () =>
        new Counter({
          name: 'klaxon_rule_group_iterations_missed_total',
          help: 'Slots skipped because an evaluation overran, a trigger came late, or the slot was already taken.',
          labelNames: ['rule_group'],
          registers,
        }),
    );
    this.failures = getOrCreate(
      registry,
      'klaxon_rule_evaluation_failures_total',
      () =>
        new Counter({
          name: 'klaxon_rule_evaluation_failures_total',
          help: 'Failed rule evaluations.',
          labelNames: ['rule_group'],
          registers,
        }),
    );
    this.duration = getOrCreate(
      registry,
      'klaxon_rule_group_evaluation_duration_seconds',
      () =>
        new Histogram({
          name: 'klaxon_rule_group_evaluation_duration_seconds',
          help: 'Wall time of whole rule group evaluations.',
          buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
          registers,
        }),
    );
    this.lastDuration = getOrCreate(
      registry,
      'klaxon_rule_group_last_duration_seconds',
      () =>
        new Gauge({
          name: 'klaxon_rule_group_last_duration_seconds',
          help: 'Duration of the last evaluation.',
          labelNames: ['rule_group'],
          registers,
        }),
    );
    this.lastEvaluation = getOrCreate(
      registry,
      'klaxon_rule_group_last_evaluation_timestamp_seconds',
      () =>
        new Gauge({
          name: 'klaxon_rule_group_last_evaluation_timestamp_seconds',
          help: 'Slot time of the last evaluation.',
          labelNames: ['rule_group'],
          registers,
        }),
    );
    this.scheduleDelay = getOrCreate(
      registry,
      'klaxon_rule_group_schedule_delay_seconds',
      () =>
        new Histogram({
          name: 'klaxon_rule_group_schedule_delay_seconds',
          help: 'Start of an evaluation minus its slot time (scheduling jitter).',
          buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
          registers,
        }),
    );
    this.alerts = getOrCreate(
      registry,
      'klaxon_alerts',
      () =>
        new Gauge({
          name: 'klaxon_alerts',
          help: 'Alerts by state after the last evaluation of each group made by this instance.',
          labelNames: ['rule_group', 'state'],
          registers,
        }),
    );
    this.sendFailures = getOrCreate(
      registry,
      'klaxon_ruler_send_failures_total',
      () =>
        new Counter({
          name: 'klaxon_ruler_send_failures_total',
          help: 'Batches of alerts the sender rejected.',
          registers,
        }),
    );
  }
}
