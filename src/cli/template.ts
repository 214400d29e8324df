/**
 * `klaxon template render`: preview notification templates with alert data, or a rule's labels and
 * annotations with given labels and value (SEMANTICS §9 #12).
 */
import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { parse } from 'yaml';
import { fingerprint } from '../labels/labels.js';
import type { NotificationAlert, NotificationData } from '../template/index.js';
import { expandRuleTemplate, NotificationTemplates, TemplateError } from '../template/index.js';
import { quoteMeta } from '../template/regex.js';

const ZERO_DATE = '0001-01-01T00:00:00Z';

function collectPairs(value: string, previous: Record<string, string>): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new Error(`expected name=value, got "${value}"`);
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}

function common(maps: Array<Record<string, string>>): Record<string, string> {
  if (maps.length === 0) return {};
  const out = { ...maps[0] };
  for (const m of maps.slice(1)) for (const k of Object.keys(out)) if (m[k] !== out[k]) delete out[k];
  return out;
}

interface AlertInput {
  status?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt?: string;
  endsAt?: string;
  generatorURL?: string;
  fingerprint?: string;
}

/** Accepts the webhook v4 payload shape; missing commons, statuses and fingerprints are computed. */
export function notificationDataFromJson(raw: Record<string, unknown>, now: Date): NotificationData {
  const alerts: NotificationAlert[] = ((raw['alerts'] as AlertInput[] | undefined) ?? []).map((a) => {
    const endsAt = new Date(a.endsAt ?? ZERO_DATE);
    const resolved = a.status ? a.status === 'resolved' : a.endsAt !== undefined && endsAt <= now;
    const labels = a.labels ?? {};
    return {
      status: resolved ? 'resolved' : 'firing',
      labels,
      annotations: a.annotations ?? {},
      startsAt: new Date(a.startsAt ?? ZERO_DATE),
      endsAt,
      generatorURL: a.generatorURL ?? '',
      fingerprint: a.fingerprint ?? fingerprint(labels),
    };
  });
  const str = (k: string) => (typeof raw[k] === 'string' ? (raw[k] as string) : '');
  const map = (k: string) => raw[k] as Record<string, string> | undefined;
  return {
    receiver: quoteMeta(str('receiver')),
    status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    alerts,
    groupLabels: map('groupLabels') ?? {},
    commonLabels: map('commonLabels') ?? common(alerts.map((a) => a.labels)),
    commonAnnotations: map('commonAnnotations') ?? common(alerts.map((a) => a.annotations)),
    externalURL: str('externalURL'),
    groupKey: str('groupKey'),
    notificationReason: str('notificationReason'),
  };
}

interface RuleNode {
  alert?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** Finds an alerting rule in a rule file or PrometheusRule manifest. */
export function findAlertRule(source: string, name: string): RuleNode | undefined {
  const doc = parse(source) as {
    groups?: Array<{ rules?: RuleNode[] }>;
    spec?: { groups?: Array<{ rules?: RuleNode[] }> };
  };
  const groups = doc?.groups ?? doc?.spec?.groups ?? [];
  for (const g of groups) for (const r of g.rules ?? []) if (r.alert === name) return r;
  return undefined;
}

interface RenderOpts {
  file?: string;
  data?: string;
  defs: string[];
  html?: boolean;
  now?: string;
  rule?: string;
  alert?: string;
  labels: Record<string, string>;
  value: string;
  externalUrl: string;
  externalLabels: Record<string, string>;
}

async function render(opts: RenderOpts): Promise<number> {
  const now = opts.now ? new Date(opts.now) : new Date();
  if (opts.rule !== undefined) {
    if (opts.alert === undefined) throw new Error('--rule needs --alert NAME');
    const rule = findAlertRule(await readFile(opts.rule, 'utf8'), opts.alert);
    if (rule === undefined) throw new Error(`no alerting rule "${opts.alert}" in ${opts.rule}`);
    const data = {
      labels: { alertname: opts.alert, ...opts.labels },
      value: Number(opts.value),
      externalLabels: opts.externalLabels,
      externalURL: opts.externalUrl,
    };
    for (const [kind, texts] of [
      ['labels', rule.labels ?? {}],
      ['annotations', rule.annotations ?? {}],
    ] as const) {
      for (const [k, text] of Object.entries(texts)) {
        const out = await expandRuleTemplate(opts.alert, String(text), data, { evalTimeMs: now.getTime() });
        process.stdout.write(`${kind}.${k}: ${out}\n`);
      }
    }
    return 0;
  }
  if (opts.file === undefined || opts.data === undefined)
    throw new Error('need --file T --data data.json, or --rule FILE --alert NAME');
  const templates = NotificationTemplates.load(opts.defs);
  const data = notificationDataFromJson(JSON.parse(await readFile(opts.data, 'utf8')), now);
  const text = await readFile(opts.file, 'utf8');
  process.stdout.write(templates.render(text, data, { html: opts.html ?? false, now }));
  return 0;
}

export function templateCommand(): Command {
  const cmd = new Command('template').description('Work with Go templates');
  cmd
    .command('render')
    .description('Render a notification template with alert data, or preview the labels and annotations of a rule')
    .option('--file <path>', 'template text to render (notification mode)')
    .option('--data <path>', 'JSON notification data (webhook payload shape)')
    .option('--defs <paths...>', 'extra template files with {{ define }} blocks', [])
    .option('--html', 'render with HTML contextual escaping (e-mail bodies)')
    .option('--now <rfc3339>', 'current time for now/since and alert status')
    .option('--rule <path>', 'rule file or PrometheusRule manifest (rule mode)')
    .option('--alert <name>', 'alerting rule name (rule mode)')
    .option('--labels <k=v>', 'series label, repeatable (rule mode)', collectPairs, {})
    .addOption(new Option('--value <n>', 'sample value ($value)').default('0'))
    .option('--external-url <url>', 'external URL ($externalURL)', '')
    .option('--external-labels <k=v>', 'external label, repeatable', collectPairs, {})
    .action(async (opts: RenderOpts) => {
      try {
        process.exitCode = await render(opts);
      } catch (e) {
        process.stderr.write(`${e instanceof TemplateError ? 'template error: ' : ''}${(e as Error).message}\n`);
        process.exitCode = 1;
      }
    });
  return cmd;
}
