import type { PostableAlert } from './types.js';

export type { PostableAlert } from './types.js';

/** Where the ruler hands its alerts: the router's ingest in-process, or external Alertmanagers. */
export interface AlertSender {
  send(alerts: PostableAlert[]): Promise<void>;
}

export interface AlertmanagerSenderOptions {
  /** Alertmanager base URLs, e.g. `http://am1:9093`. */
  urls: string[];
  timeoutMs?: number;
  /** Prometheus' notifier sends at most this many alerts per request (`--alertmanager.notification-queue-capacity` batches of 64). */
  batchSize?: number;
  headers?: Record<string, string>;
  onError?: (url: string, err: Error) => void;
}

/** Alertmanager API v2 wire form: RFC 3339 with exactly three fractional digits (§0.5). */
export function toAlertmanagerJSON(a: PostableAlert): Record<string, unknown> {
  const out: Record<string, unknown> = { labels: a.labels, annotations: a.annotations };
  if (a.startsAt) out.startsAt = new Date(a.startsAt).toISOString();
  if (a.endsAt) out.endsAt = new Date(a.endsAt).toISOString();
  if (a.generatorURL) out.generatorURL = a.generatorURL;
  return out;
}

/**
 * Posts alerts to every configured Alertmanager (`POST <url>/api/v2/alerts`), as Prometheus' notifier does,
 * so Klaxon can run as a pure ruler. Resolves when every Alertmanager answered or failed; rejects only if
 * all of them failed.
 */
export class AlertmanagerSender implements AlertSender {
  private readonly batchSize: number;
  private readonly timeoutMs: number;

  constructor(private readonly opts: AlertmanagerSenderOptions) {
    this.batchSize = opts.batchSize ?? 64;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
  }

  async send(alerts: PostableAlert[]): Promise<void> {
    if (alerts.length === 0 || this.opts.urls.length === 0) return;
    const batches: string[] = [];
    for (let i = 0; i < alerts.length; i += this.batchSize) {
      batches.push(JSON.stringify(alerts.slice(i, i + this.batchSize).map(toAlertmanagerJSON)));
    }
    const results = await Promise.allSettled(this.opts.urls.map((url) => this.postAll(url, batches)));
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failures.length === results.length) {
      throw new Error(`sending ${alerts.length} alerts failed on every Alertmanager: ${String(failures[0]!.reason)}`);
    }
  }

  private async postAll(base: string, batches: string[]): Promise<void> {
    const url = `${base.replace(/\/+$/, '')}/api/v2/alerts`;
    try {
      for (const body of batches) {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...(this.opts.headers ?? {}) },
          body,
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        await res.arrayBuffer();
        if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
      }
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      this.opts.onError?.(url, e);
      throw e;
    }
  }
}
