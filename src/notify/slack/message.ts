import { goQuote, type Labels } from '../../labels/labels.js';
import type { SlackSettings } from '../config.js';
import type { TemplateAlert, TemplateData } from '../template-data.js';

/** Alertmanager's defaults for fields a config leaves unset (SEMANTICS §3.6). */
const DEFAULTS = {
  username: '{{ template "slack.default.username" . }}',
  color: '{{ if eq .Status "firing" }}danger{{ else }}good{{ end }}',
  title: '{{ template "slack.default.title" . }}',
  titleLink: '{{ template "slack.default.titlelink" . }}',
  text: '{{ template "slack.default.text" . }}',
  fallback: '{{ template "slack.default.fallback" . }}',
  mrkdwnIn: ['fallback', 'pretext', 'text'],
};

/** Slack limits (LIBRARIES §3): header 150 chars, section text 3000, 50 blocks, ~13k chars per message. */
const HEADER_MAX = 150;
const SECTION_MAX = 3000;
const MAX_ALERT_BLOCKS = 20;
const MESSAGE_BUDGET = 11_000;
const TITLE_MAX_RUNES = 1024;

export type Render = (text: string | undefined) => string;

export interface SlackAttachment {
  title?: string;
  title_link?: string;
  pretext?: string;
  text?: string;
  fallback?: string;
  callback_id?: string;
  image_url?: string;
  thumb_url?: string;
  footer?: string;
  color?: string;
  mrkdwn_in?: string[];
  fields?: { title: string; value: string; short: boolean }[];
  actions?: Record<string, unknown>[];
}

/** The Alertmanager-compatible part of the message (notify/slack/slack.go), empty fields omitted. */
export interface SlackMessage {
  channel?: string;
  username?: string;
  icon_emoji?: string;
  icon_url?: string;
  link_names?: boolean;
  text?: string;
  attachments: SlackAttachment[];
}

function truncateRunes(s: string, max: number): string {
  const runes = Array.from(s);
  return runes.length <= max ? s : `${runes.slice(0, max - 1).join('')}…`;
}

function truncateChars(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '' && v !== false)) as T;
}

/** Renders the slack_configs fields into Alertmanager's request body. */
export function buildSlackMessage(cfg: SlackSettings, render: Render): SlackMessage {
  const field = (v: string | undefined, d: string) => render(v === undefined || v === '' ? d : v);
  const attachment: SlackAttachment = compact({
    title: truncateRunes(field(cfg.title, DEFAULTS.title), TITLE_MAX_RUNES),
    title_link: field(cfg.titleLink, DEFAULTS.titleLink),
    pretext: render(cfg.pretext),
    text: field(cfg.text, DEFAULTS.text),
    fallback: field(cfg.fallback, DEFAULTS.fallback),
    callback_id: render(cfg.callbackId),
    image_url: render(cfg.imageUrl),
    thumb_url: render(cfg.thumbUrl),
    footer: render(cfg.footer),
    color: field(cfg.color, DEFAULTS.color),
    mrkdwn_in: cfg.mrkdwnIn && cfg.mrkdwnIn.length > 0 ? cfg.mrkdwnIn : DEFAULTS.mrkdwnIn,
  });
  if (cfg.fields && cfg.fields.length > 0) {
    attachment.fields = cfg.fields.map((f) => ({
      title: render(f.title),
      value: render(f.value),
      short: f.short ?? cfg.shortFields ?? false,
    }));
  }
  if (cfg.actions && cfg.actions.length > 0) {
    attachment.actions = cfg.actions.map((a) =>
      compact({
        type: render(a.type),
        text: render(a.text),
        url: render(a.url),
        style: render(a.style),
        name: render(a.name),
        value: render(a.value),
        confirm: a.confirm
          ? compact({
              title: render(a.confirm.title),
              text: render(a.confirm.text),
              ok_text: render(a.confirm.okText),
              dismiss_text: render(a.confirm.dismissText),
            })
          : undefined,
      }),
    );
  }
  return compact({
    channel: render(cfg.channel),
    username: field(cfg.username, DEFAULTS.username),
    icon_emoji: render(cfg.iconEmoji),
    icon_url: render(cfg.iconUrl),
    link_names: cfg.linkNames ?? false,
    text: render(cfg.messageText),
    attachments: [attachment],
  });
}

const SEVERITY_ORDER = ['critical', 'error', 'high', 'warning', 'medium', 'info', 'low', 'none'];
const SEVERITY_EMOJI: Record<string, string> = {
  critical: ':red_circle:',
  error: ':red_circle:',
  high: ':red_circle:',
  warning: ':large_orange_circle:',
  medium: ':large_orange_circle:',
  info: ':large_blue_circle:',
  low: ':large_blue_circle:',
};
const SEVERITY_COLOR: Record<string, string> = {
  critical: '#D50000',
  error: '#D50000',
  high: '#D50000',
  warning: '#FFAB00',
  medium: '#FFAB00',
  info: '#2196F3',
  low: '#2196F3',
};
const RESOLVED_COLOR = '#2EB67D';

/** The most severe `severity` label among firing alerts (known names ranked, unknown ones last). */
export function groupSeverity(data: TemplateData): string | undefined {
  const firing = data.alerts.filter((a) => a.status === 'firing').map((a) => a.labels.severity?.toLowerCase());
  const known = firing.filter((s): s is string => !!s);
  known.sort((a, b) => rank(a) - rank(b));
  return known[0];
}

function rank(s: string): number {
  const i = SEVERITY_ORDER.indexOf(s);
  return i === -1 ? SEVERITY_ORDER.length : i;
}

/** Colour for the status and severity: green when resolved, red/orange/blue by severity, Slack `danger` otherwise. */
export function severityColor(data: TemplateData): string {
  if (data.status === 'resolved') return RESOLVED_COLOR;
  return SEVERITY_COLOR[groupSeverity(data) ?? ''] ?? '#D50000';
}

function mrkdwnEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function link(url: string, text: string): string {
  return `<${url.replace(/[<>|]/g, encodeURIComponent)}|${mrkdwnEscape(text)}>`;
}

/** Alertmanager UI link that pre-fills a silence for exactly these labels. */
export function silenceUrl(externalURL: string, labels: Labels): string {
  const matchers = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${goQuote(labels[k]!)}`)
    .join(',');
  return `${externalURL.replace(/\/$/, '')}/#/silences/new?filter=${encodeURIComponent(`{${matchers}}`)}`;
}

function firstAnnotation(a: TemplateAlert, names: string[]): string | undefined {
  for (const n of names) if (a.annotations[n]) return a.annotations[n];
  return undefined;
}

function alertSection(a: TemplateAlert, externalURL: string): Record<string, unknown> {
  const icon =
    a.status === 'resolved' ? ':white_check_mark:' : (SEVERITY_EMOJI[a.labels.severity ?? ''] ?? ':red_circle:');
  const summary = firstAnnotation(a, ['summary', 'message', 'description']) ?? '';
  const labels = Object.keys(a.labels)
    .filter((k) => k !== 'alertname')
    .sort()
    .map((k) => `\`${mrkdwnEscape(k)}=${mrkdwnEscape(a.labels[k]!)}\``)
    .join(' ');
  const links = [
    firstAnnotation(a, ['runbook_url', 'runbook']) && link(firstAnnotation(a, ['runbook_url', 'runbook'])!, 'Runbook'),
    firstAnnotation(a, ['dashboard_url', 'dashboard', 'grafana_url']) &&
      link(firstAnnotation(a, ['dashboard_url', 'dashboard', 'grafana_url'])!, 'Dashboard'),
    a.generatorURL && link(a.generatorURL, 'Source'),
    a.status === 'firing' && link(silenceUrl(externalURL, a.labels), 'Silence'),
  ].filter(Boolean);
  const lines = [
    `${icon} *${mrkdwnEscape(a.labels.alertname ?? '')}*${summary ? ` — ${mrkdwnEscape(summary)}` : ''}`,
    labels,
    links.join(' · '),
  ].filter((l) => l !== '');
  return { type: 'section', text: { type: 'mrkdwn', text: truncateChars(lines.join('\n'), SECTION_MAX) } };
}

/**
 * Klaxon's Block Kit rendering for bot-token mode: header with the title, a status line, one section per alert
 * (runbook, dashboard, source and silence links), a "more" note and group links, kept within Slack's limits.
 */
export function buildSlackBlocks(data: TemplateData, title: string, titleLink: string): Record<string, unknown>[] {
  const severity = groupSeverity(data);
  const firing = data.alerts.filter((a) => a.status === 'firing').length;
  const resolved = data.alerts.length - firing;
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: truncateChars(title || 'Alert', HEADER_MAX), emoji: true } },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: [
            data.status === 'firing' ? `*${firing} firing*` : '*resolved*',
            resolved > 0 && data.status === 'firing' ? `${resolved} resolved` : '',
            severity ? `severity *${mrkdwnEscape(severity)}*` : '',
            `receiver ${mrkdwnEscape(data.receiver.replace(/\\(.)/g, '$1'))}`,
          ]
            .filter(Boolean)
            .join(' · '),
        },
      ],
    },
    { type: 'divider' },
  ];
  let budget = MESSAGE_BUDGET;
  let shown = 0;
  for (const a of data.alerts) {
    if (shown >= MAX_ALERT_BLOCKS) break;
    const section = alertSection(a, data.externalURL);
    const size = ((section.text as { text: string }).text ?? '').length;
    if (size > budget) break;
    budget -= size;
    blocks.push(section);
    shown++;
  }
  if (shown < data.alerts.length) {
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `…and ${data.alerts.length - shown} more alert(s) in this group` }],
    });
  }
  const buttons: Record<string, unknown>[] = [];
  if (titleLink) buttons.push(button('Open in Klaxon', titleLink, 'open'));
  if (data.status === 'firing')
    buttons.push(button('Silence group', silenceUrl(data.externalURL, data.groupLabels), 'silence'));
  if (buttons.length > 0) blocks.push({ type: 'actions', elements: buttons });
  return blocks;
}

function button(text: string, url: string, actionId: string): Record<string, unknown> {
  return { type: 'button', text: { type: 'plain_text', text }, url: url.slice(0, 3000), action_id: actionId };
}
