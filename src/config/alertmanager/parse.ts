/**
 * alertmanager.yml loading (SEMANTICS §4): strict decoding, Alertmanager's validation texts, every problem
 * positioned and all of them reported. `parseAlertmanagerConfig` is pure; `loadAlertmanagerConfig` reads the file.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Node } from 'yaml';
import { type MatcherParseMode, validLabelName } from '../../labels/matcher.js';
import {
  parseDayOfMonthRange,
  parseLocation,
  parseMonthRange,
  parseTimeRange,
  parseWeekdayRange,
  parseYearRange,
  TimeIntervalError,
  type TimeIntervalSpec,
} from '../../time/intervals.js';
import { ConfigError, type ConfigProblem } from '../errors.js';
import { expandEnvInDocument } from '../expand-env.js';
import { parseYaml, syntaxProblems } from '../yaml.js';
import { AmDecoder, checkUrl, decodeHttpConfig, decodeTlsConfig, defaultHttpConfig, type Field } from './decode.js';
import { decodeReceiver } from './receivers.js';
import { checkRouteTree, decodeRoute, decodeRouteMatchers, resolveRoute } from './route.js';
import type {
  AlertmanagerConfig,
  GlobalConfig,
  InhibitRuleConfig,
  ParseAlertmanagerOptions,
  ReceiverConfig,
} from './types.js';

const TOP_KEYS = [
  'global',
  'route',
  'receivers',
  'inhibit_rules',
  'time_intervals',
  'mute_time_intervals',
  'templates',
  'tracing',
  'event_recorder',
] as const;

export interface ParseAlertmanagerResult {
  config?: AlertmanagerConfig;
  problems: ConfigProblem[];
}

export function parseAlertmanagerConfig(
  file: string,
  source: string,
  opts: ParseAlertmanagerOptions = {},
): ParseAlertmanagerResult {
  const { documents, lineCounter } = parseYaml(source);
  const doc = documents[0];
  if (!doc) {
    return { problems: [{ file, line: 1, col: 1, message: 'no route provided in config', severity: 'error' }] };
  }
  const syntax = syntaxProblems(file, doc, lineCounter);
  if (syntax.some((p) => p.severity === 'error')) return { problems: syntax };
  const d = new AmDecoder(file, doc, lineCounter);
  d.problems.push(...syntax);
  if (opts.expandEnv) d.problems.push(...expandEnvInDocument(doc, opts.expandEnv, file, lineCounter));
  if (documents.length > 1) d.warning(documents[1]!.contents, 'only the first YAML document is used');
  const config = decodeConfig(d, doc.contents, file, source, opts);
  const failed = d.problems.some((p) => p.severity === 'error');
  return { config: failed ? undefined : config, problems: sortProblems(d.problems) };
}

/** Reads and parses a file; throws ConfigError listing every problem when the config is invalid. */
export async function loadAlertmanagerConfig(
  file: string,
  opts: ParseAlertmanagerOptions = {},
): Promise<{ config: AlertmanagerConfig; warnings: ConfigProblem[] }> {
  const source = await readFile(file, 'utf8');
  const { config, problems } = parseAlertmanagerConfig(file, source, opts);
  if (!config) throw new ConfigError(problems.filter((p) => p.severity === 'error'));
  return { config, warnings: problems };
}

function sortProblems(ps: ConfigProblem[]): ConfigProblem[] {
  return ps.sort((a, b) => a.line - b.line || a.col - b.col);
}

function decodeConfig(
  d: AmDecoder,
  root: unknown,
  file: string,
  source: string,
  opts: ParseAlertmanagerOptions,
): AlertmanagerConfig | undefined {
  const fs = d.fields(root, TOP_KEYS);
  if (!fs) return undefined;
  for (const key of ['tracing', 'event_recorder']) {
    const f = fs.get(key);
    if (f) d.warning(f.keyNode, `${key} is not supported by Klaxon and is ignored`);
  }
  const global = decodeGlobal(d, fs.get('global'));
  const timeIntervals = decodeTimeIntervals(d, fs.get('mute_time_intervals'), fs.get('time_intervals'));

  const receivers: ReceiverConfig[] = [];
  const names = new Set<string>();
  for (const item of d.sequence(fs.get('receivers')?.node ?? null, '[]config.Receiver') ?? []) {
    const rcv = decodeReceiver(d, item, global);
    if (!rcv) continue;
    if (rcv.name !== '' && names.has(rcv.name)) {
      d.error(item, `notification config name ${JSON.stringify(rcv.name)} is not unique`);
    }
    names.add(rcv.name);
    receivers.push(rcv);
  }

  const routeField = fs.get('route');
  const rawRoute = routeField && !d.isNull(routeField.node) ? decodeRoute(d, routeField.node!, opts) : undefined;
  if (!routeField || d.isNull(routeField.node)) d.fail(routeField, 'no route provided in config', root);
  if (rawRoute) checkRouteTree(d, rawRoute, names, new Set(timeIntervals.keys()));

  const inhibitRules: InhibitRuleConfig[] = [];
  for (const item of d.sequence(fs.get('inhibit_rules')?.node ?? null, '[]config.InhibitRule') ?? []) {
    const rule = decodeInhibitRule(d, item, opts);
    if (rule) inhibitRules.push(rule);
  }

  const dir = path.dirname(file);
  const templates = (d.strList(fs.get('templates')) ?? []).map((t) => (path.isAbsolute(t) ? t : path.join(dir, t)));
  if (!rawRoute) return undefined;
  return {
    global,
    route: resolveRoute(d, rawRoute),
    receivers,
    inhibitRules,
    timeIntervals,
    templates,
    original: source,
  };
}

const GLOBAL_KEYS = [
  'resolve_timeout',
  'http_config',
  'smtp_from',
  'smtp_hello',
  'smtp_smarthost',
  'smtp_auth_username',
  'smtp_auth_password',
  'smtp_auth_password_file',
  'smtp_auth_secret',
  'smtp_auth_secret_file',
  'smtp_auth_identity',
  'smtp_require_tls',
  'smtp_tls_config',
  'smtp_force_implicit_tls',
  'slack_api_url',
  'slack_api_url_file',
  'slack_app_token',
  'slack_app_token_file',
  'slack_app_url',
  'pagerduty_url',
  'opsgenie_api_url',
  'opsgenie_api_key',
  'opsgenie_api_key_file',
  'wechat_api_url',
  'wechat_api_secret',
  'wechat_api_corp_id',
  'victorops_api_url',
  'victorops_api_key',
  'victorops_api_key_file',
  'telegram_api_url',
  'telegram_bot_token',
  'telegram_bot_token_file',
  'webex_api_url',
  'rocketchat_api_url',
  'rocketchat_api_token',
  'rocketchat_api_token_file',
  'rocketchat_api_token_id',
  'rocketchat_api_token_id_file',
  'jira_api_url',
  'mattermost_webhook_url',
  'mattermost_webhook_url_file',
] as const;

const CORE_GLOBAL_KEYS = new Set<string>(GLOBAL_KEYS.slice(0, 19));

function decodeGlobal(d: AmDecoder, f: Field | undefined): GlobalConfig {
  const g: GlobalConfig = {
    resolveTimeoutMs: 300_000,
    httpConfig: defaultHttpConfig(),
    smtpHello: 'localhost',
    smtpRequireTls: true,
    smtpTlsConfig: { insecureSkipVerify: false },
    slackAppUrl: 'https://slack.com/api/chat.postMessage',
    other: {},
  };
  if (!f) return g;
  const fs = d.fields(f.node, GLOBAL_KEYS);
  if (!fs) return g;
  const opt = (key: string) => d.str(fs.get(key)) || undefined;
  g.resolveTimeoutMs = d.durationMs(fs.get('resolve_timeout')) ?? g.resolveTimeoutMs;
  g.httpConfig = decodeHttpConfig(d, fs.get('http_config')) ?? g.httpConfig;
  g.smtpFrom = opt('smtp_from');
  g.smtpHello = opt('smtp_hello') ?? g.smtpHello;
  g.smtpSmarthost = opt('smtp_smarthost');
  if (g.smtpSmarthost && !/^(\[[^\]]*\]|[^:[\]]*):[^:]+$/.test(g.smtpSmarthost)) {
    d.fail(fs.get('smtp_smarthost'), `address ${g.smtpSmarthost}: missing port in address`, f.node);
  }
  g.smtpAuthUsername = opt('smtp_auth_username');
  g.smtpAuthPassword = opt('smtp_auth_password');
  g.smtpAuthPasswordFile = opt('smtp_auth_password_file');
  g.smtpAuthSecret = opt('smtp_auth_secret');
  g.smtpAuthSecretFile = opt('smtp_auth_secret_file');
  g.smtpAuthIdentity = opt('smtp_auth_identity');
  g.smtpRequireTls = d.bool11(fs.get('smtp_require_tls')) ?? true;
  g.smtpTlsConfig = decodeTlsConfig(d, fs.get('smtp_tls_config'));
  g.smtpForceImplicitTls = d.bool11(fs.get('smtp_force_implicit_tls'));
  g.slackApiUrl = opt('slack_api_url');
  g.slackApiUrlFile = opt('slack_api_url_file');
  g.slackAppToken = opt('slack_app_token');
  g.slackAppTokenFile = opt('slack_app_token_file');
  g.slackAppUrl = opt('slack_app_url') ?? g.slackAppUrl;
  const exclusive: Array<[string | undefined, string | undefined, string]> = [
    [
      g.smtpAuthPassword,
      g.smtpAuthPasswordFile,
      'at most one of smtp_auth_password & smtp_auth_password_file must be configured',
    ],
    [
      g.smtpAuthSecret,
      g.smtpAuthSecretFile,
      'at most one of smtp_auth_secret & smtp_auth_secret_file must be configured',
    ],
    [g.slackApiUrl, g.slackApiUrlFile, 'at most one of slack_api_url & slack_api_url_file must be configured'],
    [g.slackAppToken, g.slackAppTokenFile, 'at most one of slack_app_token & slack_app_token_file must be configured'],
  ];
  for (const [a, b, msg] of exclusive) if (a && b) d.error(f.node, msg);
  for (const key of ['slack_api_url', 'slack_app_url'] as const) {
    const v = opt(key);
    const problem = v === undefined ? undefined : checkUrl(v);
    if (problem) d.fail(fs.get(key), problem, f.node);
  }
  for (const [key, field] of fs) if (!CORE_GLOBAL_KEYS.has(key)) g.other[key] = d.plain(field.node);
  return g;
}

function decodeTimeIntervals(
  d: AmDecoder,
  mute: Field | undefined,
  current: Field | undefined,
): Map<string, TimeIntervalSpec[]> {
  const out = new Map<string, TimeIntervalSpec[]>();
  for (const [f, what] of [
    [mute, 'mute time interval'],
    [current, 'time interval'],
  ] as const) {
    for (const item of d.sequence(f?.node ?? null, '[]config.TimeInterval') ?? []) {
      const fs = d.fields(item, ['name', 'time_intervals']);
      if (!fs) continue;
      const name = d.str(fs.get('name')) ?? '';
      if (name === '') d.error(item, `missing name in ${what}`);
      else if (out.has(name)) d.fail(fs.get('name'), `${what} ${JSON.stringify(name)} is not unique`, item);
      const specs: TimeIntervalSpec[] = [];
      for (const specNode of d.sequence(fs.get('time_intervals')?.node ?? null, '[]timeinterval.TimeInterval') ?? []) {
        const spec = decodeTimeIntervalSpec(d, specNode);
        if (spec) specs.push(spec);
      }
      if (name !== '' && !out.has(name)) out.set(name, specs);
    }
  }
  return out;
}

function decodeTimeIntervalSpec(d: AmDecoder, node: Node): TimeIntervalSpec | undefined {
  const fs = d.fields(node, ['times', 'weekdays', 'days_of_month', 'months', 'years', 'location']);
  if (!fs) return undefined;
  const spec: TimeIntervalSpec = {};
  const attempt = <T>(at: unknown, fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (e) {
      if (!(e instanceof TimeIntervalError)) throw e;
      d.error(at, e.message);
      return undefined;
    }
  };
  const times = fs.get('times');
  if (times) {
    spec.times = [];
    for (const t of d.sequence(times.node, '[]timeinterval.TimeRange') ?? []) {
      const tf = d.fields(t, ['start_time', 'end_time']);
      if (!tf) continue;
      const r = attempt(t, () => parseTimeRange(d.str(tf.get('start_time')) ?? '', d.str(tf.get('end_time')) ?? ''));
      if (r) spec.times.push(r);
    }
  }
  const ranges = [
    ['weekdays', 'weekdays', parseWeekdayRange],
    ['days_of_month', 'daysOfMonth', parseDayOfMonthRange],
    ['months', 'months', parseMonthRange],
    ['years', 'years', parseYearRange],
  ] as const;
  for (const [key, prop, parse] of ranges) {
    const f = fs.get(key);
    if (!f) continue;
    const list: NonNullable<TimeIntervalSpec['weekdays']> = [];
    for (const item of d.sequence(f.node, `[]timeinterval.${key}`) ?? []) {
      const s = d.string(item);
      const r = s === undefined ? undefined : attempt(item, () => parse(s));
      if (r) list.push(r);
    }
    spec[prop] = list;
  }
  const loc = fs.get('location');
  if (loc) {
    const s = d.str(loc);
    const name = s === undefined ? undefined : attempt(loc.node ?? loc.keyNode, () => parseLocation(s));
    if (name) spec.location = name;
  }
  return spec;
}

const INHIBIT_KEYS = [
  'name',
  'source_match',
  'source_match_re',
  'source_matchers',
  'target_match',
  'target_match_re',
  'target_matchers',
  'equal',
] as const;

function decodeInhibitRule(d: AmDecoder, node: Node, opts: ParseAlertmanagerOptions): InhibitRuleConfig | undefined {
  const fs = d.fields(node, INHIBIT_KEYS);
  if (!fs) return undefined;
  const scheme = opts.validationScheme ?? 'utf8';
  const mode: MatcherParseMode = opts.matcherMode ?? 'fallback';
  const equalField = fs.get('equal');
  const equal = d.strList(equalField) ?? [];
  for (const name of equal) {
    if (!validLabelName(name, scheme))
      d.fail(equalField, `invalid label name ${JSON.stringify(name)} in equal list`, node);
  }
  const name = d.str(fs.get('name')) || undefined;
  return {
    ...(name ? { name } : {}),
    sourceMatchers: decodeRouteMatchers(d, fs, 'source_match', 'source_match_re', 'source_matchers', scheme, mode),
    targetMatchers: decodeRouteMatchers(d, fs, 'target_match', 'target_match_re', 'target_matchers', scheme, mode),
    equal,
  };
}
