import { randomUUID } from 'node:crypto';
import type { ChainableCommander } from 'ioredis';
import type { Logger } from 'pino';
import type { AlertStore } from '../alerts/store.js';
import type { Alert } from '../alerts/types.js';
import type { AlertmanagerConfig, RouteConfig } from '../config/alertmanager/types.js';
import type { Labels } from '../labels/labels.js';
import type { ClaimKeeper, IntegrationInfo, NotificationRequest, Notifier } from '../notify/types.js';
import type { NflogEntry } from './decide.js';
import type { FlushOutcomes, FlushRecord } from './flush-outcome.js';
import type { GroupStore, NotificationClaims } from './groups.js';
import type { NflogKey, NotificationLog } from './nflog.js';
import { type FlushContext, runStages, type Silencer, type Stage, snapshotAlerts } from './pipeline.js';
import { inhibitStage } from './stages/inhibit.js';
import { planNotifications } from './stages/notify-plan.js';
import { silencesStage } from './stages/silences.js';
import { activeIntervalsStage, muteIntervalsStage } from './stages/time-intervals.js';

/** Claim safety TTL when the notifier does not say how long its retries can last. */
const DEFAULT_CLAIM_TTL_MS = 3600_000;
/**
 * How long a claim may stand before its notification is enqueued (normally milliseconds) or while its first
 * attempt runs in-process (renewed meanwhile): if the flusher dies, the next flush after this lease sends instead.
 */
const ENQUEUE_LEASE_MS = 15_000;
const STAGES: Stage[] = [inhibitStage, activeIntervalsStage, muteIntervalsStage, silencesStage];

export interface GroupFlusherOptions {
  config: () => AlertmanagerConfig;
  notifier: Notifier;
  silencer: Silencer | undefined;
  /** See FlushContext; default off, as Alertmanager. */
  sendResolvedWhenSilenced?: boolean;
  /** See ENQUEUE_LEASE_MS (tests shorten it). */
  enqueueLeaseMs?: number;
  externalURL: string;
  alerts: AlertStore;
  groups: GroupStore;
  nflog: NotificationLog;
  outcomes: FlushOutcomes;
  logger: Logger;
}

/** What the ingest that made a group due already holds for its flush (two round trips less). */
export interface FlushHead {
  /** The group's notification log entries, per integration of its receiver, read alongside the group add. */
  nflog: Promise<(NflogEntry | null)[]>;
  /** The alerts just stored by the ingest, by fingerprint. */
  stored: Map<string, Alert>;
  /** The notification claims the group add took (see `claimsAhead`). */
  claims: ClaimsTaken;
}

/** Notification claims a flush takes before it plans: one per integration of its receiver, with one token. */
export interface ClaimsAhead {
  integrations: IntegrationInfo[];
  claims: NotificationClaims;
}

/** Claims tried ahead of a flush's plan, and which of them it got. */
export type ClaimsTaken = ClaimsAhead & { claimed: boolean[] };

const sameIntegration = (a: IntegrationInfo, type: string, index: number) => a.type === type && a.index === index;

/** The group a flush is for. */
export interface FlushGroup {
  groupId: string;
  groupKey: string;
  groupLabels: Labels;
  route: RouteConfig;
}

function nflogKey(groupKey: string, receiver: string, integration: IntegrationInfo): NflogKey {
  return { groupKey, receiver, integration: integration.type, index: integration.index };
}

/**
 * One flush of an aggregation group whose tick was claimed (SEMANTICS §5.4–5.8): the stored alerts, the
 * filtering stages, then per integration dedup against the notification log, claims and enqueues.
 */
export class GroupFlusher {
  constructor(private readonly opts: GroupFlusherOptions) {}

  /**
   * The notification log entries of a group, per integration of its receiver (`FlushHead.nflog`); with `pipeline`,
   * read by it.
   */
  readNflog(groupKey: string, receiver: string, pipeline?: ChainableCommander): Promise<(NflogEntry | null)[]> {
    const integrations = this.opts.notifier.integrationsFor(receiver);
    const entries = Promise.all(
      integrations.map((i) => this.opts.nflog.get(nflogKey(groupKey, receiver, i), pipeline)),
    );
    entries.catch(() => undefined); // awaited by notify(); a flush that ends before it just drops it
    return entries;
  }

  /**
   * The notification claims a flush takes before it reads the notification log and plans: one per integration of
   * the group's receiver, with a token of its own. A flush due at ingest takes them in the group add itself
   * (`group-add.lua`), so nothing but the notification follows the ingest's round trip; others take them first
   * thing (`flush`). The flush frees those it does not need.
   */
  claimsAhead(group: FlushGroup, integrations = this.opts.notifier.integrationsFor(group.route.receiver)): ClaimsAhead {
    const { receiver } = group.route;
    return {
      integrations,
      claims: {
        keys: this.opts.outcomes.claimKeys(group.groupKey, receiver, group.groupId, integrations),
        token: randomUUID(),
        leaseMs: this.leaseMs(group.route),
      },
    };
  }

  /** The claims of a flush that did not take them with its tick, in a round trip of their own. */
  private async claimNow(group: FlushGroup, integrations: IntegrationInfo[]): Promise<ClaimsTaken> {
    const ahead = this.claimsAhead(group, integrations);
    return { ...ahead, claimed: await this.opts.outcomes.claim(ahead.claims) };
  }

  /** Safety TTL only: the outcome handler releases the claim once the notification is delivered or dead. */
  private claimTtlMs(route: RouteConfig): number {
    return Math.max(route.groupIntervalMs, this.opts.notifier.retryHorizonMs?.() ?? DEFAULT_CLAIM_TTL_MS);
  }

  private leaseMs(route: RouteConfig): number {
    return Math.min(this.opts.enqueueLeaseMs ?? ENQUEUE_LEASE_MS, this.claimTtlMs(route));
  }

  /**
   * One flush of a group (SEMANTICS §5.4, §5.5). The notification log is read only once the claims are held: a
   * delivery's outcome writes the log before it frees its claim, so a flush that gets a claim sees what the
   * previous notification delivered. Read before the claim, the log could predate a delivery whose claim is
   * freed just before this flush claims, and the flush would send the same alerts again.
   */
  async flush(group: FlushGroup, members: Map<string, number>, now: number, head?: FlushHead): Promise<void> {
    const { groupId, route } = group;
    const integrations = this.opts.notifier.integrationsFor(route.receiver);
    const ahead = head?.claims ?? (await this.claimNow(group, integrations));
    // The notification log does not depend on the alerts: read both at once (one round trip less per flush).
    const entries = head?.nflog ?? this.readNflog(group.groupKey, route.receiver);
    // The versions the ingest just wrote are the stored ones when the group saw exactly those.
    const known = head && [...members].every(([fp, updatedAt]) => head.stored.get(fp)?.updatedAt === updatedAt);
    const stored = known
      ? new Map([...members.keys()].map((fp) => [fp, head.stored.get(fp)!]))
      : await this.opts.alerts.get([...members.keys()]);
    await this.opts.groups.forget(
      groupId,
      [...members.keys()].filter((fp) => !stored.has(fp)),
    );
    if (stored.size === 0) {
      await this.releaseAhead(group, ahead);
      return;
    }
    const snapshot = snapshotAlerts([...stored.values()], now);
    const ctx: FlushContext = {
      now,
      groupId,
      groupKey: group.groupKey,
      groupLabels: group.groupLabels,
      route,
      config: this.opts.config(),
      silencer: this.opts.silencer,
      sendResolvedWhenSilenced: this.opts.sendResolvedWhenSilenced ?? false,
      silencedResolved: new Set(),
      storedAlerts: () => this.opts.alerts.listUnresolved(now),
    };
    const resolved: [string, number][] = snapshot
      .filter((a) => a.status === 'resolved')
      .map((a) => [a.fingerprint, a.updatedAt]);
    const remaining = await runStages(ctx, STAGES, snapshot);
    let sent = 0;
    if (remaining.length === 0) await this.releaseAhead(group, ahead);
    else sent = await this.notify(ctx, remaining, resolved, integrations, entries, ahead);
    if (sent === 0) await this.opts.groups.removeResolved(groupId, resolved, now);
  }

  /**
   * Stage 5: dedup per integration, log writes for the no-send cases, claims and enqueues. Returns how many
   * notifications the plan wanted to send, enqueued now or skipped because one is still outstanding.
   */
  private async notify(
    ctx: FlushContext,
    alerts: ReturnType<typeof snapshotAlerts>,
    resolved: [string, number][],
    integrations: IntegrationInfo[],
    nflogEntries: Promise<(NflogEntry | null)[]>,
    ahead: ClaimsTaken,
  ): Promise<number> {
    const receiver = ctx.route.receiver;
    const entries = await nflogEntries;
    const plan = planNotifications(
      {
        now: ctx.now,
        groupKey: ctx.groupKey,
        groupId: ctx.groupId,
        receiver,
        groupLabels: ctx.groupLabels,
        routeLabels: ctx.route.labels,
        repeatIntervalMs: ctx.route.repeatIntervalMs,
        externalURL: this.opts.externalURL,
        alerts,
        silencedResolved: ctx.silencedResolved,
      },
      integrations,
      entries,
    );
    await Promise.all(
      plan.writes.map((w) =>
        this.opts.nflog.write(nflogKey(ctx.groupKey, receiver, w.integration), w.entry, ctx.route.repeatIntervalMs),
      ),
    );
    // A reload between the claims and here may have changed the receiver's integrations. The reload re-routes
    // every alert into new groups, which flush on their own; this flush sends nothing and keeps its resolved
    // alerts (a non-zero count).
    const current =
      ahead.integrations.length === integrations.length &&
      ahead.integrations.every((a, i) => sameIntegration(a, integrations[i]!.type, integrations[i]!.index));
    if (!current || plan.send.length === 0) {
      await this.releaseAhead(ctx, ahead);
      return plan.send.length;
    }
    const record: FlushRecord = {
      groupKey: ctx.groupKey,
      receiver,
      flushTs: ctx.now,
      groupId: ctx.groupId,
      resolved,
      repeatIntervalMs: ctx.route.repeatIntervalMs,
    };
    const { owned, opened } = this.own(plan.send, ahead, record);
    this.opts.logger.debug(
      { groupKey: ctx.groupKey, receiver, send: plan.send.length, owned: owned.length, writes: plan.writes.length },
      'flush decisions',
    );
    if (owned.length === 0) return plan.send.length;
    const claimTtl = this.claimTtlMs(ctx.route);
    const enqueued: NotificationRequest[] = [];
    for (const request of owned) {
      if (this.opts.notifier.deliverNow?.(request, this.claimKeeper(request, claimTtl))) continue;
      // A queued notification's outcome may be reported by another instance: its record must exist first.
      await opened;
      try {
        await this.opts.notifier.enqueue(request);
        enqueued.push(request);
      } catch (err) {
        this.opts.logger.error({ err, groupKey: ctx.groupKey, receiver }, 'enqueueing a notification failed');
        await this.opts.outcomes.handle(request, { delivered: false, reason: String(err) });
      }
    }
    await Promise.all([opened, this.confirm(enqueued, claimTtl)]);
    return plan.send.length;
  }

  /**
   * The planned requests whose claims this flush holds. Busy integrations (a notification still queued or
   * retrying) count as pending: the resolved alerts stay in the group until a flush has notified them, so with
   * one skipped the record settles none. The record and the release of the claims nothing is planned for go out
   * right behind the in-process notifications, unawaited (see `FlushOutcomes.openClaimed`). A failure there is logged: at worst
   * the flush's resolved alerts wait for the next one, or an unneeded claim for its lease.
   */
  private own(send: NotificationRequest[], ahead: ClaimsTaken, record: FlushRecord) {
    const planned = new Set<number>();
    const owned: NotificationRequest[] = [];
    for (const request of send) {
      const i = ahead.integrations.findIndex((x) => sameIntegration(x, request.integration, request.integrationIndex));
      planned.add(i);
      if (!ahead.claimed[i]) continue;
      request.claimToken = ahead.claims.token;
      owned.push(request);
    }
    const settled = owned.length === send.length ? record : { ...record, resolved: [] };
    const unneeded = this.unneeded(ahead, planned);
    const opening =
      owned.length > 0
        ? this.opts.outcomes.openClaimed(settled, owned.length, unneeded, ahead.claims.token)
        : this.opts.outcomes.release(unneeded, ahead.claims.token);
    const opened = opening.catch((err: unknown) =>
      this.opts.logger.warn({ err, groupKey: record.groupKey }, 'opening a flush record failed'),
    );
    return { owned, opened };
  }

  /** Free all the claims taken ahead: the flush sends nothing. */
  private async releaseAhead(group: { groupKey: string }, ahead: ClaimsTaken) {
    await this.opts.outcomes
      .release(this.unneeded(ahead, new Set()), ahead.claims.token)
      .catch((err: unknown) => this.opts.logger.warn({ err, groupKey: group.groupKey }, 'releasing claims failed'));
  }

  private unneeded(ahead: ClaimsTaken, planned: Set<number>): string[] {
    return ahead.claims.keys.filter((_, i) => ahead.claimed[i] && !planned.has(i));
  }

  /** Unconfirmed, a claim only lapses after its lease: at worst one more send of a queued notification. */
  private async confirm(requests: NotificationRequest[], claimTtl: number): Promise<void> {
    await Promise.all(requests.map((r) => this.opts.outcomes.confirm(r, claimTtl))).catch((err: unknown) =>
      this.opts.logger.warn({ err, groupKey: requests[0]?.groupKey }, 'confirming notification claims failed'),
    );
  }

  /** An in-process attempt keeps the short lease while it runs, and the full claim once it is queued. */
  private claimKeeper(request: NotificationRequest, claimTtl: number): ClaimKeeper {
    const lease = Math.min(this.opts.enqueueLeaseMs ?? ENQUEUE_LEASE_MS, claimTtl);
    return {
      renew: () => this.opts.outcomes.confirm(request, lease),
      queued: () => this.confirm([request], claimTtl),
    };
  }
}
