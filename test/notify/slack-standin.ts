import type { ServerResponse } from 'node:http';
import { type Received, type Sink, startSink } from './helpers.js';

export interface SlackCall {
  method: string;
  at: number;
  authorization: string | undefined;
  args: Record<string, unknown>;
}

export interface SlackStandIn {
  sink: Sink;
  apiUrl: string;
  webhookUrl: string;
  calls: SlackCall[];
  hooks: Record<string, unknown>[];
  /** Message timestamps that chat.update reports as `message_not_found` (deleted in Slack). */
  deleted: Set<string>;
  close(): Promise<void>;
}

/**
 * A local Slack: `chat.postMessage` and `chat.update` with the Web API wire format (form-encoded, JSON-string
 * arguments, Bearer token) and an incoming webhook. Behaviour per channel: `#ratelimited` answers its first
 * call 429 `Retry-After: 2`, `#storm` always 500, `#gone` `channel_not_found`.
 */
export async function startSlackStandIn(): Promise<SlackStandIn> {
  const calls: SlackCall[] = [];
  const hooks: Record<string, unknown>[] = [];
  const perChannel = new Map<string, number>();
  const deleted = new Set<string>();
  let seq = 0;
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  const sink = await startSink((r: Received, res) => {
    if (r.path.startsWith('/hooks/')) {
      hooks.push(JSON.parse(r.body));
      return void res.writeHead(200, { 'content-type': 'text/html' }).end('ok');
    }
    const method = r.path.replace(/^\/api\//, '');
    const form = new URLSearchParams(r.body);
    const args: Record<string, unknown> = {};
    for (const [k, v] of form) args[k] = k === 'blocks' || k === 'attachments' ? JSON.parse(v) : v;
    calls.push({ method, at: r.at, authorization: r.headers.authorization, args });
    const channel = String(args.channel ?? '');
    const n = (perChannel.get(channel) ?? 0) + 1;
    perChannel.set(channel, n);
    if (channel === '#ratelimited' && n === 1)
      return json(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': '2' });
    if (channel === '#storm') return json(res, 500, { ok: false, error: 'internal' });
    if (channel === '#gone') return json(res, 200, { ok: false, error: 'channel_not_found' });
    if (method === 'chat.postMessage') {
      seq++;
      return json(res, 200, { ok: true, channel: 'C0123ALERTS', ts: `1700000000.00${seq}`, message: {} });
    }
    if (method === 'chat.update') {
      if (deleted.has(String(args.ts))) return json(res, 200, { ok: false, error: 'message_not_found' });
      return json(res, 200, { ok: true, channel: args.channel, ts: args.ts });
    }
    return json(res, 404, { ok: false, error: 'unknown_method' });
  });
  return {
    sink,
    apiUrl: `${sink.url}/api/chat.postMessage`,
    webhookUrl: `${sink.url}/hooks/T000/B000/XXXX`,
    calls,
    hooks,
    deleted,
    close: () => sink.close(),
  };
}
