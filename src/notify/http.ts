import { readFile } from 'node:fs/promises';
import type { HttpSettings } from './config.js';
import type { DeliveryResult } from './types.js';

const USER_AGENT = 'Klaxon/0.1';

async function secret(value: string | undefined, file: string | undefined): Promise<string | undefined> {
  if (value !== undefined && value !== '') return value;
  if (file) return (await readFile(file, 'utf8')).trim();
  return undefined;
}

/** Request headers from http_config: basic auth, authorization / bearer token, custom headers (files read per request, as upstream). */
export async function httpConfigHeaders(cfg: HttpSettings | undefined): Promise<Record<string, string>> {
  const headers: Record<string, string> = { 'user-agent': USER_AGENT };
  if (!cfg) return headers;
  for (const [name, h] of Object.entries(cfg.httpHeaders ?? {})) {
    const values = [...(h.values ?? []), ...(h.secrets ?? [])];
    for (const f of h.files ?? []) values.push((await readFile(f, 'utf8')).trim());
    if (values.length > 0) headers[name.toLowerCase()] = values.join(', ');
  }
  if (cfg.basicAuth) {
    const user = (await secret(cfg.basicAuth.username, cfg.basicAuth.usernameFile)) ?? '';
    const pass = (await secret(cfg.basicAuth.password, cfg.basicAuth.passwordFile)) ?? '';
    headers.authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
  } else if (cfg.authorization) {
    const creds = await secret(cfg.authorization.credentials, cfg.authorization.credentialsFile);
    if (creds) headers.authorization = `${cfg.authorization.type || 'Bearer'} ${creds}`;
  } else {
    const token = await secret(cfg.bearerToken, cfg.bearerTokenFile);
    if (token) headers.authorization = `Bearer ${token}`;
  }
  return headers;
}

/** `Retry-After` as delay-seconds or an HTTP date, in ms from `now`; undefined when absent or unparsable. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Webhook-style status mapping. Upstream retries 5xx only; Klaxon also retries 429 and honours `Retry-After`
 * (SEMANTICS §5.7, §9 row 10). Every other non-2xx status is permanent.
 */
export function classifyHttpStatus(status: number, retryAfter: string | null, now: number): DeliveryResult {
  if (status >= 200 && status < 300) return { kind: 'delivered' };
  if (status === 429) {
    const afterMs = parseRetryAfter(retryAfter, now);
    return afterMs === undefined
      ? { kind: 'retry', reason: 'unexpected status code 429' }
      : { kind: 'retry', reason: 'unexpected status code 429', afterMs };
  }
  if (status >= 500) return { kind: 'retry', reason: `unexpected status code ${status}` };
  return { kind: 'permanent', reason: `unexpected status code ${status}` };
}

/** An abort signal that fires on the caller's signal or after `timeoutMs` (0 = no timeout). */
export function withTimeout(signal: AbortSignal, timeoutMs: number | undefined): AbortSignal {
  return timeoutMs && timeoutMs > 0 ? AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) : signal;
}

/** Error text for a request that got no response (connection error, timeout, shutdown). */
export function requestErrorReason(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  if (err.name === 'AbortError' || err.name === 'TimeoutError') {
    const cause = (err as { cause?: { name?: string } }).cause;
    return err.name === 'TimeoutError' || cause?.name === 'TimeoutError' ? 'timeout' : 'aborted';
  }
  return err.message;
}
