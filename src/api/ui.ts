import type { FastifyInstance } from 'fastify';

/** What the status page shows; each part is optional so a role without that data still renders. */
export interface StatusPageData {
  ruleGroups?(): Promise<
    Array<{ file: string; name: string; health: string; lastEvaluation: string; lastError?: string; rules: number }>
  >;
  alerts?(): Promise<Array<{ labels: Record<string, string>; state: string; startsAt: string; summary?: string }>>;
  silences?(): Promise<
    Array<{ id: string; state: string; matchers: string; endsAt: string; createdBy: string; comment: string }>
  >;
  deliveries?(): Promise<
    Array<{ time: string; receiver: string; integration: string; status: string; groupKey: string; error?: string }>
  >;
}

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => escapes[c]!);
}

function table(title: string, headers: string[], rows: string[][], empty: string): string {
  const head = headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body =
    rows.length === 0
      ? `<tr><td colspan="${headers.length}" class="empty">${escapeHtml(empty)}</td></tr>`
      : rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n');
  return `<section><h2>${escapeHtml(title)} <small>(${rows.length})</small></h2><table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></section>`;
}

function badge(text: string): string {
  return `<span class="badge ${escapeHtml(text.toLowerCase())}">${escapeHtml(text)}</span>`;
}

function labelsHtml(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `<code>${escapeHtml(k)}="${escapeHtml(v)}"</code>`)
    .join(' ');
}

async function orEmpty<T>(f: (() => Promise<T[]>) | undefined): Promise<T[]> {
  return f ? f() : [];
}

export async function renderStatusPage(data: StatusPageData, now: Date): Promise<string> {
  const [groups, alerts, silences, deliveries] = await Promise.all([
    orEmpty(data.ruleGroups),
    orEmpty(data.alerts),
    orEmpty(data.silences),
    orEmpty(data.deliveries),
  ]);
  const sections = [
    table(
      'Rule groups',
      ['Group', 'File', 'Rules', 'Health', 'Last evaluation', 'Error'],
      groups.map((g) => [
        escapeHtml(g.name),
        `<code>${escapeHtml(g.file)}</code>`,
        String(g.rules),
        badge(g.health),
        escapeHtml(g.lastEvaluation),
        escapeHtml(g.lastError ?? ''),
      ]),
      'No rule groups loaded.',
    ),
    table(
      'Active alerts',
      ['Alert', 'State', 'Since', 'Summary', 'Labels'],
      alerts.map((a) => [
        `<strong>${escapeHtml(a.labels.alertname ?? '')}</strong>`,
        badge(a.state),
        escapeHtml(a.startsAt),
        escapeHtml(a.summary ?? ''),
        labelsHtml(a.labels),
      ]),
      'No active alerts.',
    ),
    table(
      'Silences',
      ['ID', 'State', 'Matchers', 'Ends', 'Created by', 'Comment'],
      silences.map((s) => [
        `<code>${escapeHtml(s.id)}</code>`,
        badge(s.state),
        `<code>${escapeHtml(s.matchers)}</code>`,
        escapeHtml(s.endsAt),
        escapeHtml(s.createdBy),
        escapeHtml(s.comment),
      ]),
      'No silences.',
    ),
    table(
      'Recent deliveries',
      ['Time', 'Receiver', 'Integration', 'Status', 'Group', 'Error'],
      deliveries.map((d) => [
        escapeHtml(d.time),
        escapeHtml(d.receiver),
        escapeHtml(d.integration),
        badge(d.status),
        `<code>${escapeHtml(d.groupKey)}</code>`,
        escapeHtml(d.error ?? ''),
      ]),
      'Nothing delivered yet.',
    ),
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Klaxon</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1d2330;background:#f5f6f8}
header{background:#1d2330;color:#fff;padding:12px 24px;display:flex;gap:24px;align-items:baseline}
header h1{margin:0;font-size:20px}header a{color:#9cc3ff}
main{padding:8px 24px 24px}section{margin-top:20px}h2{font-size:16px;margin:0 0 8px}h2 small{color:#6b7280;font-weight:normal}
table{border-collapse:collapse;width:100%;background:#fff;box-shadow:0 1px 2px rgba(0,0,0,.08)}
th,td{text-align:left;padding:6px 10px;border-bottom:1px solid #e5e7eb;vertical-align:top}th{background:#eef0f3;font-weight:600}
td.empty{color:#6b7280;font-style:italic}code{font-size:12px;background:#f1f3f5;padding:1px 4px;border-radius:3px;margin-right:2px;display:inline-block}
.badge{padding:1px 8px;border-radius:10px;font-size:12px;background:#e5e7eb}
.badge.firing,.badge.err,.badge.failed,.badge.dead{background:#fde2e1;color:#a61b1b}
.badge.pending,.badge.retry{background:#fff3cd;color:#7a5b00}
.badge.ok,.badge.active,.badge.delivered,.badge.inactive{background:#dcf5e3;color:#17663a}
</style></head>
<body><header><h1>Klaxon</h1><span>${escapeHtml(now.toISOString())}</span>
<a href="api/v2/status">status</a><a href="api/v1/rules">rules</a><a href="metrics">metrics</a></header>
<main>${sections.join('\n')}</main></body></html>
`;
}

/**
 * Serves the page at `/`. Its data comes from Klaxon's own public APIs (through `inject`, with the caller's
 * credentials), so the page shows exactly what the APIs would and needs no access of its own.
 */
export function statusPageRoutes(app: FastifyInstance, now: () => number): void {
  app.get('/', async (request, reply) => {
    const authorization = request.headers.authorization;
    // The page is mounted under the route prefix, and so are the APIs it reads.
    const base = request.url.replace(/\/?(\?.*)?$/, '');
    const get = async <T>(url: string): Promise<T | undefined> => {
      const res = await app.inject({ method: 'GET', url: base + url, headers: authorization ? { authorization } : {} });
      return res.statusCode === 200 ? (res.json() as T) : undefined;
    };
    const html = await renderStatusPage(apiData(get), new Date(now()));
    return reply.type('text/html; charset=utf-8').send(html);
  });
}

type Getter = <T>(url: string) => Promise<T | undefined>;

interface PromRulesResponse {
  data: {
    groups: Array<{
      name: string;
      file: string;
      lastEvaluation: string;
      rules: Array<{ health: string; lastError?: string }>;
    }>;
  };
}
interface GettableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  status: { state: string };
}
interface GettableSilence {
  id: string;
  status: { state: string };
  matchers: Array<{ name: string; value: string; isRegex: boolean; isEqual?: boolean }>;
  endsAt: string;
  createdBy: string;
  comment: string;
}
interface DeliveryRecord {
  time: string;
  receiver: string;
  integration: string;
  status: string;
  groupKey: string;
  error?: string;
}

function apiData(get: Getter): StatusPageData {
  return {
    async ruleGroups() {
      const res = await get<PromRulesResponse>('/api/v1/rules');
      return (res?.data.groups ?? []).map((g) => {
        const failing = g.rules.find((r) => r.health === 'err');
        const health = failing ? 'err' : g.rules.every((r) => r.health === 'ok') ? 'ok' : 'unknown';
        return {
          file: g.file,
          name: g.name,
          health,
          lastEvaluation: g.lastEvaluation,
          ...(failing?.lastError ? { lastError: failing.lastError } : {}),
          rules: g.rules.length,
        };
      });
    },
    async alerts() {
      const res = (await get<GettableAlert[]>('/api/v2/alerts')) ?? [];
      return res.map((a) => ({
        labels: a.labels,
        state: a.status.state,
        startsAt: a.startsAt,
        ...(a.annotations.summary ? { summary: a.annotations.summary } : {}),
      }));
    },
    async silences() {
      const res = (await get<GettableSilence[]>('/api/v2/silences')) ?? [];
      return res.map((s) => ({
        id: s.id,
        state: s.status.state,
        matchers: s.matchers
          .map((m) => `${m.name}${m.isEqual === false ? '!' : '='}${m.isRegex ? '~' : ''}"${m.value}"`)
          .join(', '),
        endsAt: s.endsAt,
        createdBy: s.createdBy,
        comment: s.comment,
      }));
    },
    async deliveries() {
      const res = await get<{ deliveries: DeliveryRecord[] }>('/api/klaxon/v1/deliveries?limit=20');
      return (res?.deliveries ?? []).map((d) => ({
        time: d.time,
        receiver: d.receiver,
        integration: d.integration,
        status: d.status,
        groupKey: d.groupKey,
        ...(d.error ? { error: d.error } : {}),
      }));
    },
  };
}
