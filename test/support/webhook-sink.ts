import { createHash } from 'node:crypto';
import { serve, type TestHttpServer } from './net.js';

export interface Delivery {
  at: number;
  path: string;
  body: Record<string, unknown> & { groupKey?: string; status?: string; alerts?: Array<Record<string, unknown>> };
  raw: string;
  /** Content hash of the alert set (status + fingerprints + alert statuses), for duplicate detection. */
  contentHash: string;
}

/** A webhook receiver that records every delivery and answers with scripted status codes per path. */
export interface WebhookSink extends TestHttpServer {
  deliveries: Delivery[];
  /** Every request per path, answered with success or not. */
  requests: Map<string, number>;
  /** Status codes to answer for a path, in order; the last one repeats. */
  respond(path: string, codes: number[], headers?: Record<string, string>): void;
}

export async function startWebhookSink(): Promise<WebhookSink> {
  const deliveries: Delivery[] = [];
  const requests = new Map<string, number>();
  const scripts = new Map<string, { codes: number[]; headers: Record<string, string> }>();
  const server = await serve((req, raw, res) => {
    const path = req.url ?? '/';
    requests.set(path, (requests.get(path) ?? 0) + 1);
    const script = scripts.get(path);
    const code = script ? (script.codes.length > 1 ? script.codes.shift()! : script.codes[0]!) : 200;
    if (code >= 200 && code < 300) {
      const body = JSON.parse(raw) as Delivery['body'];
      deliveries.push({ at: Date.now(), path, body, raw, contentHash: contentHash(body) });
    }
    for (const [k, v] of Object.entries(script?.headers ?? {})) res.setHeader(k, v);
    res.statusCode = code;
    res.end();
  });
  return {
    ...server,
    deliveries,
    requests,
    respond(path, codes, headers = {}) {
      scripts.set(path, { codes: [...codes], headers });
    },
  };
}

export function contentHash(body: Delivery['body']): string {
  const alerts = (body.alerts ?? []).map((a) => `${String(a.fingerprint)}:${String(a.status)}`).sort();
  return createHash('sha256')
    .update(`${String(body.groupKey)}|${String(body.status)}|${alerts.join(',')}`)
    .digest('hex')
    .slice(0, 16);
}
