import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import {
  type ChatPostMessageArguments,
  type ChatUpdateArguments,
  LogLevel,
  type Logger as SlackLogger,
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
  WebClient,
} from '@slack/web-api';
import type { Logger } from 'pino';
import type { SlackSettings } from '../config.js';
import { classifyHttpStatus, httpConfigHeaders, requestErrorReason, withTimeout } from '../http.js';
import { createPoster, type Poster, type PostResponse } from '../http-client.js';
import type { IntegrationContext } from '../integration-context.js';
import { redactText } from '../redact.js';
import { buildTemplateData, type TemplateData } from '../template-data.js';
import type { DeliveryResult, Integration, NotificationRequest } from '../types.js';
import { buildSlackBlocks, buildSlackMessage, type SlackMessage, severityColor } from './message.js';

/** Platform errors Slack documents as transient (LIBRARIES §3); every other `ok:false` is permanent. */
const RETRYABLE_PLATFORM_ERRORS = new Set([
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'ratelimited',
]);

/** chat.update errors after which a new message is posted instead. */
const MESSAGE_GONE_ERRORS = new Set(['message_not_found', 'cant_update_message', 'edit_window_closed']);

/** Kept as long as Alertmanager keeps nflog entries (retention 120h). */
const MESSAGE_REF_TTL_S = 120 * 3600;

async function secret(value: string | undefined, file: string | undefined): Promise<string> {
  if (value) return value;
  return file ? (await readFile(file, 'utf8')).trim() : '';
}

/** Maps a WebClient error to a delivery result (LIBRARIES §3). */
export function classifySlackError(err: unknown): DeliveryResult {
  if (err instanceof WebAPIRateLimitedError) {
    return { kind: 'retry', reason: 'slack rate limited', afterMs: err.retryAfter * 1000 };
  }
  if (err instanceof WebAPIPlatformError) {
    const code = String(err.data.error);
    return RETRYABLE_PLATFORM_ERRORS.has(code)
      ? { kind: 'retry', reason: `slack error: ${code}` }
      : { kind: 'permanent', reason: `slack error: ${code}` };
  }
  if (err instanceof WebAPIHTTPError) {
    const reason = `unexpected status code ${err.statusCode}`;
    return err.statusCode >= 500 || err.statusCode === 429 ? { kind: 'retry', reason } : { kind: 'permanent', reason };
  }
  if (err instanceof WebAPIRequestError) return { kind: 'retry', reason: redactText(`slack request: ${err.message}`) };
  return { kind: 'retry', reason: redactText(err instanceof Error ? err.message : String(err)) };
}

/** The Web API base URL from `app_url` (`https://slack.com/api/chat.postMessage` → `https://slack.com/api/`). */
export function slackApiBase(appUrl: string | undefined): string | undefined {
  if (!appUrl) return undefined;
  return appUrl.replace(/[^/]*$/, '');
}

function slackLogger(logger: Logger): SlackLogger {
  const log =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...msg: unknown[]) =>
      logger[level]({ component: 'slack' }, redactText(msg.map(String).join(' ')));
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    setLevel() {},
    getLevel: () => LogLevel.WARN,
    setName() {},
  };
}

interface MessageRef {
  channel: string;
  ts: string;
}

function refKey(ctx: IntegrationContext, request: NotificationRequest): string {
  const group = createHash('sha256').update(request.groupKey).digest('hex').slice(0, 32);
  return `${ctx.keyPrefix}slack-message:${group}:${request.receiver}:${request.integrationIndex}`;
}

async function sendIncomingWebhook(
  post: Poster,
  url: string,
  message: SlackMessage,
  cfg: SlackSettings,
  ctx: IntegrationContext,
  signal: AbortSignal,
): Promise<DeliveryResult> {
  let res: PostResponse;
  try {
    res = await post(url, {
      headers: { ...(await httpConfigHeaders(cfg.httpConfig)), 'content-type': 'application/json' },
      body: JSON.stringify(message),
      signal: withTimeout(signal, cfg.timeout),
      followRedirects: cfg.httpConfig?.followRedirects !== false,
    });
  } catch (err) {
    return { kind: 'retry', reason: redactText(requestErrorReason(err)) };
  }
  const status = classifyHttpStatus(res.status, res.headers.get('retry-after'), ctx.now());
  if (status.kind !== 'delivered') return status;
  // Upstream: a JSON reply must say ok:true, a text reply must be exactly "ok"; neither is retried.
  if ((res.headers.get('content-type') ?? '').includes('application/json')) {
    let parsed: { ok?: boolean; error?: string };
    try {
      parsed = JSON.parse(res.body || '{}');
    } catch {
      return { kind: 'permanent', reason: `unexpected slack response: ${res.body.slice(0, 200)}` };
    }
    return parsed.ok ? status : { kind: 'permanent', reason: `slack error: ${parsed.error ?? 'unknown'}` };
  }
  return res.body.trim() === 'ok'
    ? status
    : { kind: 'permanent', reason: `unexpected slack response: ${res.body.slice(0, 200)}` };
}

export function createSlackIntegration(cfg: SlackSettings, index: number, ctx: IntegrationContext): Integration {
  const post = createPoster(cfg.httpConfig?.tlsConfig);
  const clients = new Map<string, WebClient>();
  const client = (token: string): WebClient => {
    let c = clients.get(token);
    if (!c) {
      const base = slackApiBase(cfg.appUrl);
      c = new WebClient(token, {
        retryConfig: { retries: 0 },
        rejectRateLimitedCalls: true,
        timeout: cfg.timeout && cfg.timeout > 0 ? cfg.timeout : 30_000,
        logger: slackLogger(ctx.logger),
        ...(base ? { slackApiUrl: base } : {}),
      });
      clients.set(token, c);
    }
    return c;
  };

  async function sendWithToken(
    token: string,
    request: NotificationRequest,
    data: TemplateData,
    message: SlackMessage,
  ): Promise<DeliveryResult> {
    const attachment = message.attachments[0]!;
    // Slack's default keywords get the severity-aware colour; a configured custom colour is kept.
    if (attachment.color === 'danger' || attachment.color === 'good') attachment.color = severityColor(data);
    const content = {
      ...message,
      text: message.text || attachment.fallback || attachment.title || '',
      blocks: buildSlackBlocks(data, attachment.title ?? '', attachment.title_link ?? ''),
    };
    const web = client(token);
    const key = refKey(ctx, request);
    try {
      if (cfg.updateMessage && request.notificationReason !== 'first notification') {
        const stored = await ctx.redis.get(key);
        if (stored) {
          const ref = JSON.parse(stored) as MessageRef;
          const { channel: _channel, username: _u, icon_emoji: _e, icon_url: _i, link_names: _l, ...rest } = content;
          try {
            const updated = await web.chat.update({ ...rest, channel: ref.channel, ts: ref.ts } as ChatUpdateArguments);
            return { kind: 'delivered', receiverData: { threadTs: updated.ts ?? ref.ts, channelId: ref.channel } };
          } catch (err) {
            // The original message is gone (deleted, or too old to edit): post a fresh one instead of failing.
            if (!(err instanceof WebAPIPlatformError && MESSAGE_GONE_ERRORS.has(String(err.data.error)))) throw err;
          }
        }
      }
      const posted = await web.chat.postMessage({
        ...content,
        channel: content.channel ?? '',
      } as ChatPostMessageArguments);
      const ref: MessageRef = { channel: posted.channel ?? content.channel ?? '', ts: posted.ts ?? '' };
      if (cfg.updateMessage) await ctx.redis.set(key, JSON.stringify(ref), 'EX', MESSAGE_REF_TTL_S);
      return { kind: 'delivered', receiverData: { threadTs: ref.ts, channelId: ref.channel } };
    } catch (err) {
      return classifySlackError(err);
    }
  }

  return {
    type: 'slack',
    index,
    sendResolved: cfg.sendResolved,
    async send(request: NotificationRequest, signal: AbortSignal): Promise<DeliveryResult> {
      const data = buildTemplateData(request);
      let message: SlackMessage;
      try {
        message = buildSlackMessage(cfg, (text) => (text ? ctx.templates.render(text, data) : ''));
      } catch (err) {
        return { kind: 'permanent', reason: `template: ${(err as Error).message}` };
      }
      const token = await secret(cfg.appToken, cfg.appTokenFile);
      if (token) return sendWithToken(token, request, data, message);
      const url = await secret(cfg.apiUrl, cfg.apiUrlFile);
      if (!url) return { kind: 'permanent', reason: 'slack: neither api_url nor app_token configured' };
      return sendIncomingWebhook(post, url, message, cfg, ctx, signal);
    },
  };
}
