import type { ChainableCommander, Redis } from 'ioredis';
import { execOrThrow } from '../alerts/store.js';
import { notificationJobId } from '../notify/job-id.js';
import type { DeliveryOutcomeHandler, IntegrationInfo, NotificationRequest } from '../notify/types.js';
import type { GroupStore, NotificationClaims } from './groups.js';
import type { DispatchKeys } from './keys.js';
import { NFLOG_RETENTION_MS, type NotificationLog } from './nflog.js';
import './scripts.js';

/** How long a flush waits for its deliveries before its record (and the resolved-alert cleanup) is dropped. */
const FLUSH_RECORD_TTL_MS = 3600_000;

/** The owner token of a request's claim: its flush's, or the job id for one queued by an earlier version. */
function claimToken(request: NotificationRequest): string {
  return request.claimToken ?? notificationJobId(request);
}

/** A flush record's identity in this process (its Redis key is a hash: computed off the notification's path). */
function recordId(flush: { groupKey: string; receiver: string; flushTs: number }): string {
  return `${flush.flushTs}\u0000${flush.receiver}\u0000${flush.groupKey}`;
}

/** The flush a record counts the deliveries of, and what it settles when they all succeed. */
export interface FlushRecord {
  groupKey: string;
  receiver: string;
  flushTs: number;
  groupId: string;
  /** Resolved alerts of the snapshot (fingerprint, updatedAt), removed from the group once all are delivered. */
  resolved: [string, number][];
  repeatIntervalMs: number;
}

/**
 * Flush bookkeeping across the notifier's asynchronous deliveries (SEMANTICS §5.4 outcome): a flush record
 * counts the pending deliveries; when the last one is delivered and none failed, the resolved alerts of the
 * snapshot leave the group. Claims stop two instances from sending the same notification (§9 row 8).
 */
export class FlushOutcomes {
  constructor(
    private readonly redis: Redis,
    private readonly keys: DispatchKeys,
    private readonly groups: GroupStore,
    private readonly nflog: NotificationLog,
    private readonly now: () => number,
  ) {}

  /** Records being opened by `openClaimed`, by `recordId`: an outcome against one waits for it. */
  private readonly opening = new Map<string, Promise<void>>();

  /**
   * Claim the single outstanding-notification slot of each key with one token (`claim-notify.lua`); a claim fails
   * while another notification for its integration is queued or retrying (any instance). It starts as a short
   * lease that `confirm` extends once the notify job exists, so a flusher that dies between claiming and
   * enqueueing blocks the integration for the lease only, not for the whole retry horizon.
   */
  async claim(claims: NotificationClaims): Promise<boolean[]> {
    if (claims.keys.length === 0) return [];
    const ttl = Math.max(1, Math.round(claims.leaseMs));
    const pipeline = this.redis.pipeline();
    for (const key of claims.keys) pipeline.klaxonClaimNotify(key, claims.token, ttl);
    const replies = await execOrThrow(pipeline);
    return replies.map((reply) => reply === 1);
  }

  /**
   * The claim keys of a group's integrations, which a flush takes before it plans (in `group-add.lua`, or with
   * `claim`); it then opens its record and frees the claims it does not need with `openClaimed` or `release`.
   */
  claimKeys(groupKey: string, receiver: string, groupId: string, integrations: IntegrationInfo[]): string[] {
    return integrations.map((i) => this.keys.claim(groupKey, receiver, i.type, i.index, groupId));
  }

  /**
   * For a flush whose claims were taken ahead (`claimKeys`): open its record for `pending` deliveries and free the
   * claims (`unneeded`, taken with `token`) it has nothing to send on. Not on the notification's path: the command
   * goes out on the next turn of the event loop, after the in-process sends started in this one have written
   * their requests, and `handle` waits for it before it reports an outcome against the record. A caller that
   * queues a notification waits for the returned promise first: another instance may report its outcome.
   */
  openClaimed(record: FlushRecord, pending: number, unneeded: string[], token: string): Promise<void> {
    const id = recordId(record);
    const opened = new Promise<void>((resolve) => setImmediate(resolve)).then(() =>
      this.openNow(
        this.keys.flushRecord(record.groupKey, record.receiver, record.flushTs),
        record,
        pending,
        unneeded,
        token,
      ),
    );
    this.opening.set(id, opened);
    const settled = () => {
      if (this.opening.get(id) === opened) this.opening.delete(id);
    };
    opened.then(settled, settled);
    return opened;
  }

  private async openNow(key: string, record: FlushRecord, pending: number, unneeded: string[], token: string) {
    if (unneeded.length === 0) {
      // One command needs no pipeline object (costly garbage on every flush).
      await this.openRecord(this.redis, key, record, pending);
      return;
    }
    const pipeline = this.redis.pipeline();
    this.openRecord(pipeline, key, record, pending);
    this.releaseClaims(pipeline, unneeded, token);
    await execOrThrow(pipeline);
  }

  /** Free claims taken ahead with `token` that the flush turned out not to need. */
  async release(keys: string[], token: string): Promise<void> {
    if (keys.length === 0) return;
    const pipeline = this.redis.pipeline();
    this.releaseClaims(pipeline, keys, token);
    await execOrThrow(pipeline);
  }

  private releaseClaims(pipeline: ChainableCommander, keys: string[], token: string): void {
    for (const key of keys) pipeline.klaxonReleaseNotify(key, token);
  }

  private openRecord<T extends Redis | ChainableCommander>(
    target: T,
    key: string,
    record: FlushRecord,
    pending: number,
  ) {
    return target.klaxonFlushOpen(
      key,
      pending,
      record.groupId,
      JSON.stringify(record.resolved),
      record.repeatIntervalMs,
      FLUSH_RECORD_TTL_MS,
    );
  }

  /**
   * After the enqueue: the claim lives until the outcome handler releases it; `ttlMs` only frees the slot of
   * an outcome that was never reported.
   */
  async confirm(request: NotificationRequest, ttlMs: number): Promise<void> {
    const ttl = Math.max(1, Math.round(ttlMs));
    await this.redis.klaxonExtendNotify(this.claimKey(request), claimToken(request), ttl);
  }

  /** Free the slot if this request still owns it (a newer notification may own it after the safety TTL). */
  async releaseFor(request: NotificationRequest): Promise<void> {
    await this.redis.klaxonReleaseNotify(this.claimKey(request), claimToken(request));
  }

  private claimKey(request: NotificationRequest): string {
    return this.keys.claim(
      request.groupKey,
      request.receiver,
      request.integration,
      request.integrationIndex,
      request.groupId,
    );
  }

  /**
   * The notifier's outcome callback: write the nflog on delivery, then free the claim and count the outcome in the
   * flush record (one round trip: the count is idempotent, so a report retried after a lost reply counts once).
   */
  readonly handle: DeliveryOutcomeHandler = async (request, outcome) => {
    const recordKey = this.keys.flushRecord(request.groupKey, request.receiver, request.flushTs);
    // Its failure is the flush's to log; the outcome still writes the nflog and frees the claim.
    await this.opening.get(recordId(request))?.catch(() => undefined);
    const nflogKey = {
      groupKey: request.groupKey,
      receiver: request.receiver,
      integration: request.integration,
      index: request.integrationIndex,
    };
    if (outcome.delivered) {
      const repeat =
        request.repeatIntervalMs ?? (Number(await this.redis.hget(recordKey, 'repeat')) || NFLOG_RETENTION_MS);
      const previous = request.notificationReason === 'first notification' ? null : await this.nflog.get(nflogKey);
      const receiverData = outcome.receiverData ?? previous?.receiverData;
      await this.nflog.write(
        nflogKey,
        {
          timestamp: this.now(),
          firing: request.firingHashes,
          resolved: request.resolvedHashes,
          ...(receiverData ? { receiverData } : {}),
        },
        repeat,
      );
    }
    // Only after the nflog write: the next flush then sees what was delivered and notifies just the
    // difference; after a failure (dead letter) it finds no entry for this content and sends it again.
    const [, [state, groupId, resolvedJson]] = await Promise.all([
      this.releaseFor(request),
      this.redis.klaxonFlushOutcome(
        recordKey,
        outcome.delivered ? '1' : '0',
        `${request.integration}:${request.integrationIndex}`,
      ),
    ]);
    if (Number(state) !== 1) return;
    const resolved = JSON.parse(resolvedJson) as [string, number][];
    if (resolved.length > 0) await this.groups.removeResolved(groupId, resolved, this.now());
  };
}
