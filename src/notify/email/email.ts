import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { createTransport } from 'nodemailer';
import type { EmailSettings, TlsSettings } from '../config.js';
import type { IntegrationContext } from '../integration-context.js';
import { redactText } from '../redact.js';
import { buildTemplateData } from '../template-data.js';
import type { DeliveryResult, Integration, NotificationRequest } from '../types.js';
import { buildEmailMessage, type EmailMessage } from './message.js';

const DEFAULT_TIMEOUT_MS = 30_000;

/** `host:port` or `[v6]:port`; the port is required (as upstream). */
export function parseSmarthost(smarthost: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(smarthost);
  if (!m) throw new Error(`invalid smarthost ${JSON.stringify(smarthost)}: want host:port`);
  return { host: (m[1] ?? m[2])!, port: Number(m[3]) };
}

async function fileOr(value: string | undefined, file: string | undefined): Promise<string | undefined> {
  if (value) return value;
  return file ? (await readFile(file, 'utf8')).trim() : undefined;
}

async function tlsOptions(t: TlsSettings | undefined, host: string) {
  return {
    ca: await fileOr(t?.ca, t?.caFile),
    cert: await fileOr(t?.cert, t?.certFile),
    key: await fileOr(t?.key, t?.keyFile),
    // SNI takes host names only (RFC 6066).
    servername: t?.serverName || (isIP(host) ? undefined : host),
    rejectUnauthorized: !t?.insecureSkipVerify,
  };
}

/**
 * nodemailer options with Alertmanager's semantics (LIBRARIES §4): implicit TLS on port 465 or when forced;
 * otherwise `require_tls` demands STARTTLS and `require_tls: false` never sends it (parity, `ignoreTLS`).
 * `auth_secret` alone selects CRAM-MD5.
 */
async function transportOptions(cfg: EmailSettings) {
  const { host, port } = parseSmarthost(cfg.smarthost ?? '');
  const secure = cfg.forceImplicitTls ?? port === 465;
  const password = await fileOr(cfg.authPassword, cfg.authPasswordFile);
  const secret = await fileOr(cfg.authSecret, cfg.authSecretFile);
  const timeout = cfg.timeout && cfg.timeout > 0 ? cfg.timeout : DEFAULT_TIMEOUT_MS;
  return {
    host,
    port,
    secure,
    requireTLS: !secure && cfg.requireTls !== false,
    ignoreTLS: !secure && cfg.requireTls === false,
    name: cfg.hello || 'localhost',
    tls: await tlsOptions(cfg.tlsConfig, host),
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    dnsTimeout: timeout,
    ...(cfg.authUsername
      ? {
          auth: { user: cfg.authUsername, pass: password ?? secret ?? '' },
          ...(secret && !password ? { authMethod: 'CRAM-MD5' } : {}),
        }
      : {}),
  };
}

interface SmtpError {
  code?: string;
  responseCode?: number;
  message?: string;
}

const PERMANENT_CODES = new Set(['EAUTH', 'ENOAUTH', 'ECONFIG', 'EMESSAGE']);
const TRANSIENT_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'EREQUIRETLS']);

/** SMTP 5xx, authentication and configuration errors are permanent; connection, TLS, timeouts and 4xx retry. */
export function classifySmtpError(err: unknown): DeliveryResult {
  const e = (err ?? {}) as SmtpError;
  const reason = redactText(`${e.code ? `${e.code}: ` : ''}${e.message ?? String(err)}`);
  if (PERMANENT_CODES.has(e.code ?? '')) return { kind: 'permanent', reason };
  // Transport-level failures retry even when they carry the server's 5xx (e.g. STARTTLS not recognised).
  if (TRANSIENT_CODES.has(e.code ?? '')) return { kind: 'retry', reason };
  return e.responseCode !== undefined && e.responseCode >= 500
    ? { kind: 'permanent', reason }
    : { kind: 'retry', reason };
}

export function createEmailIntegration(cfg: EmailSettings, index: number, ctx: IntegrationContext): Integration {
  return {
    type: 'email',
    index,
    sendResolved: cfg.sendResolved,
    async send(request: NotificationRequest): Promise<DeliveryResult> {
      const data = buildTemplateData(request);
      let message: EmailMessage;
      try {
        message = buildEmailMessage(cfg, data, (text, o) => ctx.templates.render(text, data, o), ctx.now());
      } catch (err) {
        return { kind: 'permanent', reason: `template: ${(err as Error).message}` };
      }
      if (message.to.length === 0) return { kind: 'permanent', reason: 'email: no recipients after templating' };
      let transport: ReturnType<typeof createTransport>;
      try {
        transport = createTransport(await transportOptions(cfg));
      } catch (err) {
        return { kind: 'permanent', reason: `email: ${(err as Error).message}` };
      }
      try {
        const info = await transport.sendMail({
          from: message.from,
          to: message.to,
          subject: message.subject,
          headers: message.headers,
          ...(message.text ? { text: message.text } : {}),
          ...(message.html ? { html: message.html } : {}),
        });
        if (info.rejected.length > 0) {
          return { kind: 'permanent', reason: `email: recipients rejected: ${info.rejected.join(', ')}` };
        }
        return { kind: 'delivered' };
      } catch (err) {
        return classifySmtpError(err);
      } finally {
        transport.close();
      }
    },
  };
}
