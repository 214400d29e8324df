import { createHash } from 'node:crypto';
import type { NotificationRequest } from './types.js';

/**
 * BullMQ job id of one notification: a hash of (group key, receiver, integration, index) and the whole request
 * content, so the same flush enqueued twice is one job while a later repeat with identical alerts (different
 * flushTs) is a new one. Custom ids may not contain ':' nor be all digits, hence hex behind a letter.
 */
export function notificationJobId(request: NotificationRequest): string {
  let id = ids.get(request);
  if (id === undefined) {
    id = computeJobId(request);
    ids.set(request, id);
  }
  return id;
}

/** Claims, enqueue and delivery records of one request all ask for its id. */
const ids = new WeakMap<NotificationRequest, string>();

function computeJobId(request: NotificationRequest): string {
  // The claim token is not content: every flush draws a fresh one.
  const { claimToken: _, ...content } = request;
  const digest = createHash('sha256').update(JSON.stringify(content)).digest('hex');
  const key = [request.groupKey, request.receiver, request.integration, String(request.integrationIndex), digest];
  return `n${createHash('sha256').update(key.join('\u0000')).digest('hex').slice(0, 40)}`;
}
