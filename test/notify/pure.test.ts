import { WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { classifySmtpError, parseSmarthost } from '../../src/notify/email/email.js';
import { splitAddresses, threadMessageId } from '../../src/notify/email/message.js';
import { goTimeJson } from '../../src/notify/go-json.js';
import { classifyHttpStatus, httpConfigHeaders, parseRetryAfter } from '../../src/notify/http.js';
import { notificationJobId } from '../../src/notify/job-id.js';
import { redactSecrets, redactText } from '../../src/notify/redact.js';
import { classifySlackError, slackApiBase } from '../../src/notify/slack/slack.js';
import { commonPairs, quoteMeta } from '../../src/notify/template-data.js';
import { request } from './helpers.js';

const now = Date.parse('2026-11-25T10:00:00Z');

describe('http status and Retry-After', () => {
  it('maps statuses as the webhook integration does, with Klaxon honouring 429', () => {
    expect(classifyHttpStatus(204, null, now)).toEqual({ kind: 'delivered' });
    expect(classifyHttpStatus(503, null, now)).toEqual({ kind: 'retry', reason: 'unexpected status code 503' });
    expect(classifyHttpStatus(404, null, now)).toEqual({ kind: 'permanent', reason: 'unexpected status code 404' });
    expect(classifyHttpStatus(429, '3', now)).toEqual({
      kind: 'retry',
      reason: 'unexpected status code 429',
      afterMs: 3000,
    });
    expect(classifyHttpStatus(429, null, now)).toEqual({ kind: 'retry', reason: 'unexpected status code 429' });
  });

  it('parses delay-seconds and HTTP dates', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Wed, 25 Nov 2026 10:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Wed, 25 Nov 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('builds auth headers from http_config', async () => {
    expect((await httpConfigHeaders({ bearerToken: 't' })).authorization).toBe('Bearer t');
    expect((await httpConfigHeaders({ authorization: { type: 'Token', credentials: 'c' } })).authorization).toBe(
      'Token c',
    );
    expect(await httpConfigHeaders(undefined)).toEqual({ 'user-agent': 'Klaxon/0.1' });
  });
});

describe('template data helpers', () => {
  it('quotes the receiver like Go regexp.QuoteMeta', () => {
    expect(quoteMeta('team.a+(b)|[c]{d}^$*?\\')).toBe('team\\.a\\+\\(b\\)\\|\\[c\\]\\{d\\}\\^\\$\\*\\?\\\\');
    expect(quoteMeta('plain-name_1')).toBe('plain-name_1');
  });

  it('keeps only pairs identical in every map', () => {
    expect(commonPairs([{ a: '1', b: '2' }, { a: '1', b: '3' }, { a: '1' }])).toEqual({ a: '1' });
    expect(commonPairs([])).toEqual({});
  });

  it('formats times as Go RFC3339Nano in UTC', () => {
    expect(goTimeJson(Date.parse('2026-11-25T10:00:00.100Z'))).toBe('2026-11-25T10:00:00.1Z');
    expect(goTimeJson(Date.parse('2026-11-25T10:00:00Z'))).toBe('2026-11-25T10:00:00Z');
    expect(goTimeJson(0)).toBe('0001-01-01T00:00:00Z');
  });
});

describe('job ids', () => {
  it('are stable per request, differ per flush, and are valid BullMQ custom ids', () => {
    const a = request({ receiver: 'r', integration: 'webhook', flushTs: 1 });
    const id = notificationJobId(a);
    expect(notificationJobId({ ...a })).toBe(id);
    expect(notificationJobId({ ...a, flushTs: 2 })).not.toBe(id);
    expect(notificationJobId({ ...a, integrationIndex: 1 })).not.toBe(id);
    expect(id).toMatch(/^n[0-9a-f]{40}$/);
  });
});

describe('secret redaction', () => {
  it('replaces secrets in configs as Alertmanager does', () => {
    const cfg = {
      global: {
        smtp_auth_password: 'pw',
        slack_api_url: 'https://hooks.slack.com/services/T/B/X',
        resolve_timeout: '5m',
      },
      receivers: [
        {
          name: 'r',
          webhook_configs: [{ url: 'http://h/k', http_config: { basic_auth: { username: 'u', password: 'p' } } }],
          slack_configs: [
            { api_url: 'https://hooks', title_link: 'http://ui', http_config: { authorization: { credentials: 'c' } } },
          ],
          email_configs: [{ to: 'a@b', auth_password: 'x', auth_secret: '' }],
        },
      ],
    };
    expect(redactSecrets(cfg)).toEqual({
      global: { smtp_auth_password: '<secret>', slack_api_url: '<secret>', resolve_timeout: '5m' },
      receivers: [
        {
          name: 'r',
          webhook_configs: [{ url: '<secret>', http_config: { basic_auth: { username: 'u', password: '<secret>' } } }],
          slack_configs: [
            {
              api_url: '<secret>',
              title_link: 'http://ui',
              http_config: { authorization: { credentials: '<secret>' } },
            },
          ],
          email_configs: [{ to: 'a@b', auth_password: '<secret>', auth_secret: '' }],
        },
      ],
    });
    expect(cfg.global.smtp_auth_password).toBe('pw');
  });

  it('scrubs URLs and tokens from free text', () => {
    expect(redactText('POST https://hooks.slack.com/services/T1/B2/abc failed: Bearer xyz, token xoxb-123-abc')).toBe(
      'POST https://hooks.slack.com/<secret> failed: Bearer <secret>, token <secret>',
    );
  });
});

describe('Slack error mapping', () => {
  it('follows LIBRARIES §3', () => {
    const limited = Object.assign(Object.create(WebAPIRateLimitedError.prototype), { retryAfter: 7, message: 'x' });
    expect(classifySlackError(limited)).toEqual({ kind: 'retry', reason: 'slack rate limited', afterMs: 7000 });
    const platform = (error: string) =>
      Object.assign(Object.create(WebAPIPlatformError.prototype), { data: { ok: false, error }, message: error });
    expect(classifySlackError(platform('invalid_auth'))).toEqual({
      kind: 'permanent',
      reason: 'slack error: invalid_auth',
    });
    expect(classifySlackError(platform('service_unavailable')).kind).toBe('retry');
    const http = (statusCode: number) =>
      Object.assign(Object.create(WebAPIHTTPError.prototype), { statusCode, message: '' });
    expect(classifySlackError(http(502)).kind).toBe('retry');
    expect(classifySlackError(http(403)).kind).toBe('permanent');
    expect(classifySlackError(new Error('Retry header did not contain a valid timeout')).kind).toBe('retry');
  });

  it('derives the Web API base from app_url', () => {
    expect(slackApiBase('https://slack.com/api/chat.postMessage')).toBe('https://slack.com/api/');
    expect(slackApiBase('http://127.0.0.1:1234/api/')).toBe('http://127.0.0.1:1234/api/');
    expect(slackApiBase(undefined)).toBeUndefined();
  });
});

describe('email helpers', () => {
  it('parses smarthosts, requiring a port', () => {
    expect(parseSmarthost('smtp.example.com:587')).toEqual({ host: 'smtp.example.com', port: 587 });
    expect(parseSmarthost('[::1]:25')).toEqual({ host: '::1', port: 25 });
    expect(() => parseSmarthost('smtp.example.com')).toThrow(/want host:port/);
  });

  it('splits address lists outside quotes', () => {
    expect(splitAddresses('a@x, "Ops, Team" <ops@y>,, b@z ')).toEqual(['a@x', '"Ops, Team" <ops@y>', 'b@z']);
  });

  it('builds Alertmanager thread ids', () => {
    expect(threadMessageId('{}:{a="b"}', 'none', now)).toMatch(/^<alert-[0-9a-f]{16}-@alertmanager>$/);
    expect(threadMessageId('{}:{a="b"}', 'daily', now)).toMatch(/^<alert-[0-9a-f]{16}-2026-11-25@alertmanager>$/);
  });

  it('retries transient SMTP errors and fails permanent ones', () => {
    expect(classifySmtpError({ code: 'ECONNECTION', message: 'refused' }).kind).toBe('retry');
    expect(classifySmtpError({ code: 'EENVELOPE', responseCode: 451, message: 'later' }).kind).toBe('retry');
    expect(classifySmtpError({ code: 'ETLS', responseCode: 500, message: 'no STARTTLS' }).kind).toBe('retry');
    expect(classifySmtpError({ code: 'EENVELOPE', responseCode: 550, message: 'no such user' }).kind).toBe('permanent');
    expect(classifySmtpError({ code: 'EAUTH', responseCode: 535, message: 'bad' })).toEqual({
      kind: 'permanent',
      reason: 'EAUTH: bad',
    });
  });
});
