import type { Redis } from 'ioredis';

/** One delivery attempt as recorded in the per-receiver capped stream (SEMANTICS §9 row 11). */
export interface DeliveryRecord {
  /** Stream entry id (`<ms>-<seq>`). */
  id: string;
  time: number;
  receiver: string;
  integration: string;
  index: number;
  groupKey: string;
  alerts: number;
  /** `delivered`, `retry` (will back off), `rate_limited` (delayed by Retry-After), `failed` (given up). */
  status: 'delivered' | 'retry' | 'rate_limited' | 'failed';
  latencyMs: number;
  error: string;
  attempt: number;
  jobId: string;
}

export type NewDeliveryRecord = Omit<DeliveryRecord, 'id'>;

const FIELDS = [
  'time',
  'receiver',
  'integration',
  'index',
  'groupKey',
  'alerts',
  'status',
  'latencyMs',
  'error',
  'attempt',
  'jobId',
] as const;

/** Delivery log: one capped Redis stream per receiver plus a set of receivers that have one. */
export class DeliveryLog {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    private readonly maxLen = 1000,
  ) {}

  private streamKey(receiver: string): string {
    return `${this.keyPrefix}deliveries:${receiver}`;
  }

  private get receiversKey(): string {
    return `${this.keyPrefix}deliveries-receivers`;
  }

  async append(rec: NewDeliveryRecord): Promise<void> {
    const args = FIELDS.flatMap((f) => [f, String(rec[f])]);
    // Two plain commands, receiver first: no transaction needed (a listed receiver with no record yet lists
    // nothing), and an ioredis MULTI is a pipeline object, costly garbage on every delivery.
    await Promise.all([
      this.redis.sadd(this.receiversKey, rec.receiver),
      this.redis.xadd(this.streamKey(rec.receiver), 'MAXLEN', '~', String(this.maxLen), '*', ...args),
    ]);
  }

  /** Newest first; all receivers merged when `receiver` is omitted. */
  async list(receiver: string | undefined, limit: number): Promise<DeliveryRecord[]> {
    const receivers = receiver === undefined ? await this.redis.smembers(this.receiversKey) : [receiver];
    const all: DeliveryRecord[] = [];
    for (const r of receivers) {
      const entries = await this.redis.xrevrange(this.streamKey(r), '+', '-', 'COUNT', limit);
      for (const [id, fields] of entries) all.push(parseRecord(id, fields));
    }
    return all.sort((a, b) => compareStreamIds(b.id, a.id)).slice(0, limit);
  }

  async clear(): Promise<void> {
    const receivers = await this.redis.smembers(this.receiversKey);
    await this.redis.del(this.receiversKey, ...receivers.map((r) => this.streamKey(r)));
  }
}

function compareStreamIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(Number) as [number, number];
  const [bm, bs] = b.split('-').map(Number) as [number, number];
  return am - bm || as - bs;
}

function parseRecord(id: string, fields: string[]): DeliveryRecord {
  const m = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) m.set(fields[i]!, fields[i + 1]!);
  const num = (k: string) => Number(m.get(k) ?? 0);
  return {
    id,
    time: num('time'),
    receiver: m.get('receiver') ?? '',
    integration: m.get('integration') ?? '',
    index: num('index'),
    groupKey: m.get('groupKey') ?? '',
    alerts: num('alerts'),
    status: (m.get('status') ?? 'failed') as DeliveryRecord['status'],
    latencyMs: num('latencyMs'),
    error: m.get('error') ?? '',
    attempt: num('attempt'),
    jobId: m.get('jobId') ?? '',
  };
}
