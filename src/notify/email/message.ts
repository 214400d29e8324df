import { createHash } from 'node:crypto';
import type { EmailSettings } from '../config.js';
import type { TemplateData } from '../template-data.js';

export type RenderFn = (text: string, opts?: { html?: boolean }) => string;

export interface EmailMessage {
  from: string;
  to: string[];
  subject: string;
  /** Headers other than Subject, To and From, already rendered. */
  headers: Record<string, string>;
  html: string;
  text: string;
}

/** Splits a rendered address list (`a@x, "B" <b@y>`), keeping quoted commas inside display names. */
export function splitAddresses(list: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of list) {
    if (ch === '"') quoted = !quoted;
    if (ch === ',' && !quoted) {
      if (cur.trim()) out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/** Alertmanager's threading id: `<alert-<sha256(groupKey)[:16]>-<date or empty>@alertmanager>`. */
export function threadMessageId(groupKey: string, byDate: 'none' | 'daily', now: number): string {
  const hash = createHash('sha256').update(groupKey).digest('hex').slice(0, 16);
  const date = byDate === 'daily' ? new Date(now).toISOString().slice(0, 10) : '';
  return `<alert-${hash}-${date}@alertmanager>`;
}

/**
 * Renders an email_configs entry (SEMANTICS §4.7): headers are templates (Subject defaults to
 * `email.default.subject`), `to` a templated comma list, `html` rendered in HTML mode, `text` as text.
 */
export function buildEmailMessage(cfg: EmailSettings, data: TemplateData, render: RenderFn, now: number): EmailMessage {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(cfg.headers ?? {})) headers[name] = render(value);
  const subject = headers.Subject ?? render('{{ template "email.default.subject" . }}');
  const toHeader = headers.To ?? render(cfg.to ?? '');
  const from = headers.From ?? render(cfg.from ?? '');
  delete headers.Subject;
  delete headers.To;
  delete headers.From;
  if (cfg.threading?.enabled) {
    const id = threadMessageId(data.groupKey, cfg.threading.threadByDate, now);
    headers['In-Reply-To'] = id;
    headers.References = id;
  }
  const to = splitAddresses(render(cfg.to ?? '') || toHeader);
  return {
    from,
    to,
    subject,
    headers,
    html: cfg.html ? render(cfg.html, { html: true }) : '',
    text: cfg.text ? render(cfg.text) : '',
  };
}
