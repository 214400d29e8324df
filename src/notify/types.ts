import type { Labels } from '../labels/labels.js';

/** An alert as it is handed to a receiver: the state at the flush that decided to notify. */
export interface AlertSnapshot {
  status: 'firing' | 'resolved';
  labels: Labels;
  annotations: Record<string, string>;
  startsAt: number;
  /** 0 while firing (rendered as Go's zero time), the resolve time otherwise. */
  endsAt: number;
  updatedAt: number;
  generatorURL: string;
  fingerprint: string;
}

/** One notification for one integration, decided by the dispatcher at flush time and delivered by the notifier. */
export interface NotificationRequest {
  groupKey: string;
  receiver: string;
  /** Config section without `_configs`: `webhook`, `slack`, `email`, or a plugin's type. */
  integration: string;
  integrationIndex: number;
  groupLabels: Labels;
  routeLabels: Labels;
  /** The sent list in SEMANTICS §5.4 order, send_resolved already applied. */
  alerts: AlertSnapshot[];
  notificationReason: string;
  /** Hashes the notification log records once this notification is delivered (SEMANTICS §5.6, §5.8). */
  firingHashes: string[];
  resolvedHashes: string[];
  flushTs: number;
  externalURL: string;
  /** The aggregation group's id, which places its claim key (absent in notifications queued by earlier versions). */
  groupId?: string;
  /**
   * Owner token of the request's claim, drawn by the flush that claimed it (absent in notifications queued by
   * earlier versions, whose claims are owned by their job id).
   */
  claimToken?: string;
  /**
   * The route's repeat_interval, which sets how long the nflog entry of a delivery lives (absent in notifications
   * queued by earlier versions: their outcome reads it from the flush record).
   */
  repeatIntervalMs?: number;
}

export type DeliveryResult =
  | { kind: 'delivered'; receiverData?: Record<string, string> }
  | { kind: 'retry'; reason: string; afterMs?: number }
  | { kind: 'permanent'; reason: string };

/** One `<type>_configs` entry of a receiver, able to send. */
export interface Integration {
  readonly type: string;
  readonly index: number;
  readonly sendResolved: boolean;
  send(request: NotificationRequest, signal: AbortSignal): Promise<DeliveryResult>;
}

export interface IntegrationInfo {
  type: string;
  index: number;
  sendResolved: boolean;
}

/** How the dispatcher learns that a notification it queued reached the receiver or was given up. */
export type DeliveryOutcomeHandler = (
  request: NotificationRequest,
  outcome: { delivered: true; receiverData?: Record<string, string> } | { delivered: false; reason: string },
) => Promise<void>;

/**
 * How the dispatcher keeps the claim of a notification delivered in-process (`Notifier.deliverNow`) alive: the
 * claim starts as a short lease, which lapses (so a later flush sends again) if this process dies mid-send.
 */
export interface ClaimKeeper {
  /** The attempt is still running here: renew the short lease. */
  renew(): Promise<void>;
  /** The attempt failed and the notification is now in the durable queue: the claim may last its full horizon. */
  queued(): Promise<void>;
}

/** The notifier as the dispatcher sees it. */
export interface Notifier {
  integrationsFor(receiver: string): IntegrationInfo[];
  enqueue(request: NotificationRequest): Promise<void>;
  /**
   * Start the first attempt here and now, skipping the queue's round trips, when this instance delivers and has
   * a free slot; false otherwise (then `enqueue`). Later attempts go through the queue.
   */
  deliverNow?(request: NotificationRequest, claim: ClaimKeeper): boolean;
  /** Longest time from enqueue to the outcome report (all attempts and backoffs), for claim safety TTLs. */
  retryHorizonMs?(): number;
}
