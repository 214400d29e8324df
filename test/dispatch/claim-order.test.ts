/**
 * A flush reads the notification log only once it holds its claims. A delivery's outcome writes the log and then
 * frees its claim; a flush that read the log before that and claimed after it would plan on the old log and send
 * the delivered alerts a second time. Here the outcome is made to land at exactly that moment.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertStore } from '../../src/alerts/store.js';
import type { Alert } from '../../src/alerts/types.js';
import { parseAlertmanagerConfig } from '../../src/config/alertmanager/index.js';
import type { NflogEntry } from '../../src/dispatch/decide.js';
import { type FlushGroup, GroupFlusher } from '../../src/dispatch/flush.js';
import { FlushOutcomes } from '../../src/dispatch/flush-outcome.js';
import { GroupStore } from '../../src/dispatch/groups.js';
import { DispatchKeys } from '../../src/dispatch/keys.js';
import { type NflogKey, NotificationLog } from '../../src/dispatch/nflog.js';
import { defineDispatchScripts } from '../../src/dispatch/scripts.js';
import { queueOnlyNotifier } from './queue-notifier.js';

const PREFIX = `klaxon-test-claim-order-${randomBytes(4).toString('hex')}:`;
const NOW = 1_700_000_000_000;
const { config } = parseAlertmanagerConfig(
  'am.yml',
  `route:
  receiver: r
  group_by: [alertname]
  group_interval: 1m
  repeat_interval: 1h
receivers:
  - name: r
    webhook_configs:
      - url: http://127.0.0.1:9/r
`,
);
let redis: Redis;

beforeAll(() => {
  redis = new Redis({ host: '127.0.0.1', port: 6379 });
  defineDispatchScripts(redis);
});

afterAll(async () => {
  const found = await redis.keys(`${PREFIX}*`);
  if (found.length > 0) await redis.del(...found);
  await redis.quit();
});

/** The notification log, with a hook that runs after each read returns and before its reader sees the result. */
class HookedLog extends NotificationLog {
  afterRead: (() => Promise<void>) | undefined;

  override async get(key: NflogKey): Promise<NflogEntry | null> {
    const entry = await super.get(key);
    await this.afterRead?.();
    return entry;
  }
}

describe('a flush and a delivery outcome that lands meanwhile', () => {
  it('does not send what the outstanding notification delivered', async () => {
    const keys = new DispatchKeys(PREFIX);
    const groups = new GroupStore(redis, keys);
    const nflog = new HookedLog(redis, keys);
    const outcomes = new FlushOutcomes(redis, keys, groups, nflog, () => NOW);
    const alerts = new AlertStore(redis, PREFIX);
    const { notifier, sent } = queueOnlyNotifier();
    const flusher = new GroupFlusher({
      config: () => config!,
      notifier,
      silencer: undefined,
      externalURL: 'http://klaxon',
      alerts,
      groups,
      nflog,
      outcomes,
      logger: pino({ level: 'silent' }),
    });
    const route = config!.route;
    const group: FlushGroup = {
      groupId: GroupStore.groupId('0', '{}:{alertname="A"}'),
      groupKey: '{}:{alertname="A"}',
      groupLabels: { alertname: 'A' },
      route,
    };
    const alert: Alert = {
      labels: { alertname: 'A' },
      annotations: {},
      startsAt: NOW - 60_000,
      endsAt: NOW + 600_000,
      updatedAt: NOW - 60_000,
      generatorURL: '',
      fingerprint: 'fa',
      timeout: false,
    };
    await alerts.put([alert], NOW - 60_000);
    const members = new Map([['fa', alert.updatedAt]]);

    // The first flush sends; its notification stays outstanding (queued, retrying).
    await flusher.flush(group, members, NOW - 60_000);
    expect(sent).toHaveLength(1);

    // The next flush starts; right after it reads the log, the outstanding notification is delivered: the
    // outcome writes the log and frees the claim.
    nflog.afterRead = async () => {
      nflog.afterRead = undefined;
      await outcomes.handle(sent[0]!, { delivered: true });
    };
    await flusher.flush(group, members, NOW);
    expect(sent).toHaveLength(1);

    // The flush after it sees the delivery in the log: nothing new to send.
    await flusher.flush(group, members, NOW + 60_000);
    expect(sent).toHaveLength(1);
  });
});

describe('a flush record opened behind an in-process send', () => {
  it('is open before the outcome reported right after it is counted', async () => {
    const keys = new DispatchKeys(PREFIX);
    const groups = new GroupStore(redis, keys);
    const outcomes = new FlushOutcomes(redis, keys, groups, new NotificationLog(redis, keys), () => NOW);
    const groupKey = '{}:{alertname="B"}';
    const groupId = GroupStore.groupId('0', groupKey);
    const [claimKey] = outcomes.claimKeys(groupKey, 'r', groupId, [{ type: 'webhook', index: 0, sendResolved: true }]);
    const token = 'flush-token';
    expect(await outcomes.claim({ keys: [claimKey!], token, leaseMs: 60_000 })).toEqual([true]);
    const record = { groupKey, receiver: 'r', flushTs: NOW, groupId, resolved: [], repeatIntervalMs: 3600_000 };
    const opened = outcomes.openClaimed(record, 1, [], token);
    // The outcome of a send that ended at once, reported before the record's command has gone out.
    await outcomes.handle(
      {
        groupKey,
        receiver: 'r',
        integration: 'webhook',
        integrationIndex: 0,
        groupLabels: { alertname: 'B' },
        routeLabels: {},
        alerts: [],
        notificationReason: 'first notification',
        firingHashes: [],
        resolvedHashes: [],
        flushTs: NOW,
        externalURL: 'http://klaxon',
        groupId,
        claimToken: token,
      },
      { delivered: true },
    );
    await opened;
    // The nflog entry lives for twice the record's repeat interval (not the default retention)...
    const entry = await new NotificationLog(redis, keys).get({
      groupKey,
      receiver: 'r',
      integration: 'webhook',
      index: 0,
    });
    expect((entry as { expiresAt?: number } | null)?.expiresAt).toBe(NOW + 2 * 3600_000);
    // ...and the record is settled and gone, not left open waiting for an outcome that already came.
    expect(await redis.exists(keys.flushRecord(groupKey, 'r', NOW))).toBe(0);
    expect(await redis.exists(claimKey!)).toBe(0);
  });
});
