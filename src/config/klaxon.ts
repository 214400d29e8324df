import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { ConfigError, type ConfigProblem } from './errors.js';

/**
 * `klaxon.yml`: where things are and how to reach them. Every key can also come from a `KLAXON_*`
 * environment variable and a command-line flag; precedence is flag > env > file > default.
 */
const durationString = z.string().regex(/^(\d+(y|w|d|h|m|s|ms))+$|^0$/, 'must be a duration like 30s or 1m');

/** What an instance runs (README "Roles"); all of them by default. */
export const ROLES = ['api', 'ruler', 'router', 'notifier'] as const;
export type Role = (typeof ROLES)[number];

export const klaxonFileSchema = z
  .object({
    listen_address: z.string().optional(),
    external_url: z.string().url().optional(),
    route_prefix: z.string().optional(),
    external_labels: z.record(z.string(), z.string()).optional(),
    redis: z
      .object({
        url: z.string().optional(),
        key_prefix: z.string().optional(),
      })
      .strict()
      .optional(),
    datasource: z
      .object({
        url: z.string().url().optional(),
        timeout: durationString.optional(),
        headers: z.record(z.string(), z.string()).optional(),
        basic_auth: z.object({ username: z.string(), password: z.string() }).strict().optional(),
        bearer_token: z.string().optional(),
      })
      .strict()
      .optional(),
    roles: z.array(z.enum(ROLES)).min(1).optional(),
    rule_files: z.array(z.string()).optional(),
    alertmanager_config: z.string().optional(),
    /** Expand `${VAR}` in alertmanager.yml string values. */
    expand_env: z.boolean().optional(),
    /** Reload when alertmanager.yml, a rule file or a template changes on disk. */
    watch_config: z.boolean().optional(),
    evaluation_interval: durationString.optional(),
    resend_delay: durationString.optional(),
    validation_scheme: z.enum(['utf8', 'legacy']).optional(),
    alertmanagers: z.array(z.string().url()).optional(),
    api_tokens: z
      .array(
        z
          .object({
            name: z.string(),
            token: z.string(),
            scopes: z.array(z.enum(['read', 'alerts:write', 'silences:write', 'admin'])),
          })
          .strict(),
      )
      .optional(),
    notify: z
      .object({
        attempts: z.number().int().positive().optional(),
        backoff: durationString.optional(),
        concurrency: z.number().int().positive().optional(),
        send_resolved_when_silenced: z.boolean().optional(),
      })
      .strict()
      .optional(),
    /** Alertmanager web-config style users: name → `sha256:<hex>` of the password. */
    basic_auth_users: z.record(z.string(), z.string()).optional(),
    /** Scopes granted without credentials while auth is enabled, e.g. [read] for dashboards. */
    anonymous_scopes: z.array(z.enum(['read', 'alerts:write', 'silences:write', 'admin'])).optional(),
  })
  .strict();

export type KlaxonFile = z.infer<typeof klaxonFileSchema>;

export interface KlaxonSettings {
  roles: Role[];
  listenAddress: string;
  externalURL: string;
  routePrefix: string;
  externalLabels: Record<string, string>;
  redisUrl: string;
  keyPrefix: string;
  datasource: {
    url: string;
    timeout: string;
    headers: Record<string, string>;
    basicAuth?: { username: string; password: string };
    bearerToken?: string;
  };
  ruleFiles: string[];
  alertmanagerConfig: string;
  expandEnv: boolean;
  watchConfig: boolean;
  evaluationInterval: string;
  resendDelay: string;
  validationScheme: 'utf8' | 'legacy';
  alertmanagers: string[];
  apiTokens: NonNullable<KlaxonFile['api_tokens']>;
  basicAuthUsers: Record<string, string>;
  /** Delivery retries: attempts before a notification becomes a dead letter, first backoff delay. */
  notify: { attempts: number; backoff: string; concurrency: number; sendResolvedWhenSilenced: boolean };
  anonymousScopes: NonNullable<KlaxonFile['anonymous_scopes']>;
}

/** Flag and environment overrides, already named like the settings. */
export type SettingOverrides = Partial<
  Pick<
    KlaxonSettings,
    | 'listenAddress'
    | 'externalURL'
    | 'routePrefix'
    | 'redisUrl'
    | 'keyPrefix'
    | 'ruleFiles'
    | 'alertmanagerConfig'
    | 'validationScheme'
    | 'roles'
    | 'expandEnv'
    | 'watchConfig'
  > & { datasourceUrl: string }
>;

const ENV_NAMES: Record<keyof SettingOverrides, string[]> = {
  listenAddress: ['KLAXON_LISTEN_ADDRESS'],
  externalURL: ['KLAXON_EXTERNAL_URL'],
  routePrefix: ['KLAXON_ROUTE_PREFIX'],
  redisUrl: ['KLAXON_REDIS_URL', 'REDIS_URL'],
  keyPrefix: ['KLAXON_KEY_PREFIX'],
  ruleFiles: ['KLAXON_RULE_FILES'],
  alertmanagerConfig: ['KLAXON_ALERTMANAGER_CONFIG'],
  validationScheme: ['KLAXON_VALIDATION_SCHEME'],
  datasourceUrl: ['KLAXON_DATASOURCE_URL', 'PROMETHEUS_URL'],
  roles: ['KLAXON_ROLES'],
  expandEnv: ['KLAXON_CONFIG_EXPAND_ENV'],
  watchConfig: ['KLAXON_CONFIG_WATCH'],
};
const LIST_SETTINGS = new Set<string>(['ruleFiles', 'roles']);
const BOOLEAN_SETTINGS = new Set<string>(['expandEnv', 'watchConfig']);

export function envOverrides(env: NodeJS.ProcessEnv): SettingOverrides {
  const out: Record<string, unknown> = {};
  for (const [key, names] of Object.entries(ENV_NAMES)) {
    const value = names.map((n) => env[n]).find((v) => v !== undefined && v !== '');
    if (value === undefined) continue;
    if (BOOLEAN_SETTINGS.has(key)) out[key] = /^(1|true|yes)$/i.test(value);
    else out[key] = LIST_SETTINGS.has(key) ? value.split(',').map((s) => s.trim()) : value;
  }
  const unknownRole = (out.roles as string[] | undefined)?.find((r) => !(ROLES as readonly string[]).includes(r));
  if (unknownRole !== undefined) {
    throw new ConfigError([
      {
        file: 'KLAXON_ROLES',
        line: 1,
        col: 1,
        message: `unknown role "${unknownRole}" (valid: ${ROLES.join(', ')})`,
        severity: 'error',
      },
    ]);
  }
  return out as SettingOverrides;
}

/** Validates a klaxon.yml text; problems carry the file position of the offending key. */
export function parseKlaxonFile(file: string, source: string): KlaxonFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false });
  const problems: ConfigProblem[] = doc.errors.map((e) => ({
    file,
    line: e.linePos?.[0].line ?? 1,
    col: e.linePos?.[0].col ?? 1,
    message: e.message,
    severity: 'error' as const,
  }));
  if (problems.length > 0) throw new ConfigError(problems);
  const parsed = klaxonFileSchema.safeParse(doc.toJS() ?? {});
  if (parsed.success) return parsed.data;
  throw new ConfigError(
    parsed.error.issues.map((issue) => {
      const node = doc.getIn(issue.path as (string | number)[], true) as
        | { range?: [number, number, number] }
        | undefined;
      const pos = node?.range ? lineCounter.linePos(node.range[0]) : { line: 1, col: 1 };
      const path = issue.path.join('.');
      return {
        file,
        line: pos.line,
        col: pos.col,
        message: path ? `${path}: ${issue.message}` : issue.message,
        severity: 'error' as const,
      };
    }),
  );
}

export async function loadKlaxonFile(path: string | undefined): Promise<KlaxonFile> {
  if (path === undefined) return {};
  return parseKlaxonFile(path, await readFile(path, 'utf8'));
}

export function resolveSettings(file: KlaxonFile, overrides: SettingOverrides, baseDir: string): KlaxonSettings {
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  const listenAddress = overrides.listenAddress ?? file.listen_address ?? '127.0.0.1:9093';
  return {
    roles: overrides.roles ?? file.roles ?? [...ROLES],
    listenAddress,
    externalURL: overrides.externalURL ?? file.external_url ?? `http://${listenAddress}`,
    routePrefix: overrides.routePrefix ?? file.route_prefix ?? '/',
    externalLabels: file.external_labels ?? {},
    redisUrl: overrides.redisUrl ?? file.redis?.url ?? 'redis://127.0.0.1:6379',
    keyPrefix: overrides.keyPrefix ?? file.redis?.key_prefix ?? 'klaxon:',
    datasource: {
      url: overrides.datasourceUrl ?? file.datasource?.url ?? 'http://127.0.0.1:9090',
      timeout: file.datasource?.timeout ?? '30s',
      headers: file.datasource?.headers ?? {},
      ...(file.datasource?.basic_auth ? { basicAuth: file.datasource.basic_auth } : {}),
      ...(file.datasource?.bearer_token ? { bearerToken: file.datasource.bearer_token } : {}),
    },
    ruleFiles: (overrides.ruleFiles ?? file.rule_files ?? ['rules/*.yml', 'rules/*.yaml']).map(abs),
    alertmanagerConfig: abs(overrides.alertmanagerConfig ?? file.alertmanager_config ?? 'alertmanager.yml'),
    expandEnv: overrides.expandEnv ?? file.expand_env ?? false,
    watchConfig: overrides.watchConfig ?? file.watch_config ?? false,
    evaluationInterval: file.evaluation_interval ?? '1m',
    resendDelay: file.resend_delay ?? '1m',
    validationScheme: overrides.validationScheme ?? file.validation_scheme ?? 'utf8',
    alertmanagers: file.alertmanagers ?? [],
    apiTokens: file.api_tokens ?? [],
    basicAuthUsers: file.basic_auth_users ?? {},
    notify: {
      attempts: file.notify?.attempts ?? 8,
      backoff: file.notify?.backoff ?? '1s',
      concurrency: file.notify?.concurrency ?? 16,
      sendResolvedWhenSilenced: file.notify?.send_resolved_when_silenced ?? false,
    },
    anonymousScopes: file.anonymous_scopes ?? [],
  };
}
