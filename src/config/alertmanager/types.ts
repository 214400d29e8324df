/**
 * alertmanager.yml as typed objects, camelCased, with Alertmanager's defaults and global inheritance applied
 * (SEMANTICS §4). Durations are milliseconds.
 */
import type { Matcher } from '../../labels/matcher.js';
import type { TimeIntervalSpec } from '../../time/intervals.js';

export interface TlsConfig {
  ca?: string;
  caFile?: string;
  cert?: string;
  certFile?: string;
  key?: string;
  keyFile?: string;
  serverName?: string;
  insecureSkipVerify: boolean;
  minVersion?: string;
  maxVersion?: string;
}

export interface BasicAuth {
  username?: string;
  usernameFile?: string;
  password?: string;
  passwordFile?: string;
}

export interface Authorization {
  /** Defaults to `Bearer` when credentials are set. */
  type?: string;
  credentials?: string;
  credentialsFile?: string;
}

/** prometheus/common HTTPClientConfig. */
export interface HttpConfig {
  basicAuth?: BasicAuth;
  authorization?: Authorization;
  bearerToken?: string;
  bearerTokenFile?: string;
  oauth2?: Record<string, unknown>;
  proxyUrl?: string;
  noProxy?: string;
  proxyFromEnvironment: boolean;
  proxyConnectHeader?: Record<string, string[]>;
  httpHeaders?: Record<string, { values?: string[]; secrets?: string[]; files?: string[] }>;
  tlsConfig: TlsConfig;
  /** Default true. */
  followRedirects: boolean;
  /** Default true. */
  enableHttp2: boolean;
}

export interface GlobalConfig {
  resolveTimeoutMs: number;
  httpConfig: HttpConfig;
  smtpFrom?: string;
  smtpHello: string;
  smtpSmarthost?: string;
  smtpAuthUsername?: string;
  smtpAuthPassword?: string;
  smtpAuthPasswordFile?: string;
  smtpAuthSecret?: string;
  smtpAuthSecretFile?: string;
  smtpAuthIdentity?: string;
  smtpRequireTls: boolean;
  smtpTlsConfig: TlsConfig;
  smtpForceImplicitTls?: boolean;
  slackApiUrl?: string;
  slackApiUrlFile?: string;
  slackAppToken?: string;
  slackAppTokenFile?: string;
  slackAppUrl: string;
  /** Other `global` keys (pagerduty_url, opsgenie_api_key, ...) as written, for plugins. */
  other: Record<string, unknown>;
}

export interface RouteConfig {
  receiver: string;
  /** `'all'` for `group_by: ['...']`. */
  groupBy: string[] | 'all';
  /** Whether this node set `group_by` itself (otherwise it was inherited). */
  groupByExplicit: boolean;
  continue: boolean;
  /** `matchers`, `match` and `match_re` merged and sorted (match_re values anchored as upstream prints them). */
  matchers: Matcher[];
  groupWaitMs: number;
  groupIntervalMs: number;
  repeatIntervalMs: number;
  muteTimeIntervals: string[];
  activeTimeIntervals: string[];
  /** v0.34 route labels, merged parent → child (templates unrendered). */
  labels: Record<string, string>;
  routes: RouteConfig[];
}

export interface WebhookConfig {
  sendResolved: boolean;
  url?: string;
  urlFile?: string;
  httpConfig: HttpConfig;
  /** 0 = all. */
  maxAlerts: number;
  /** 0 = none. */
  timeout: number;
  /** v0.32 custom payload (templated structure) replacing the body. */
  payload?: unknown;
}

export interface SlackConfirmation {
  title?: string;
  text: string;
  okText?: string;
  dismissText?: string;
}

export interface SlackAction {
  type: string;
  text: string;
  url?: string;
  style?: string;
  name?: string;
  value?: string;
  confirm?: SlackConfirmation;
}

export interface SlackField {
  title: string;
  value: string;
  /** Defaults to the config's `short_fields`. */
  short: boolean;
}

export interface SlackConfig {
  sendResolved: boolean;
  httpConfig: HttpConfig;
  apiUrl?: string;
  apiUrlFile?: string;
  appToken?: string;
  appTokenFile?: string;
  appUrl: string;
  channel?: string;
  username: string;
  color: string;
  title: string;
  titleLink: string;
  pretext: string;
  text: string;
  fields: SlackField[];
  shortFields: boolean;
  footer: string;
  fallback: string;
  callbackId: string;
  iconEmoji: string;
  iconUrl: string;
  imageUrl?: string;
  thumbUrl?: string;
  linkNames: boolean;
  mrkdwnIn: string[];
  actions: SlackAction[];
  messageText?: string;
  updateMessage: boolean;
  /** 0 = none. */
  timeout: number;
}

export interface EmailThreading {
  enabled: boolean;
  threadByDate: 'none' | 'daily';
}

export interface EmailConfig {
  sendResolved: boolean;
  to: string;
  from: string;
  hello: string;
  /** `host:port`. */
  smarthost: string;
  authUsername?: string;
  authPassword?: string;
  authPasswordFile?: string;
  authSecret?: string;
  authSecretFile?: string;
  authIdentity?: string;
  requireTls: boolean;
  /** undefined = implicit TLS iff the port is 465. */
  forceImplicitTls?: boolean;
  tlsConfig: TlsConfig;
  /** Canonicalised header names (textproto.CanonicalMIMEHeaderKey). */
  headers: Record<string, string>;
  html: string;
  text: string;
  threading: EmailThreading;
  /** 0 = default. */
  timeout: number;
}

export interface ReceiverConfig {
  name: string;
  labels: Record<string, string>;
  webhookConfigs: WebhookConfig[];
  slackConfigs: SlackConfig[];
  emailConfigs: EmailConfig[];
  /** Other `<type>_configs` sections, keyed by section name, as plain data, for plugins. */
  other: Record<string, unknown[]>;
}

export interface InhibitRuleConfig {
  name?: string;
  /** `source_matchers` plus converted `source_match` / `source_match_re`. */
  sourceMatchers: Matcher[];
  targetMatchers: Matcher[];
  equal: string[];
}

export interface AlertmanagerConfig {
  global: GlobalConfig;
  route: RouteConfig;
  receivers: ReceiverConfig[];
  inhibitRules: InhibitRuleConfig[];
  /** `time_intervals` and the deprecated `mute_time_intervals`, by name. */
  timeIntervals: Map<string, TimeIntervalSpec[]>;
  /** Template globs, resolved relative to the config file's directory. */
  templates: string[];
  /** The source text, for /api/v2/status. */
  original: string;
}

export interface ParseAlertmanagerOptions {
  /** Label-name rules for group_by, equal, match keys (default utf8, as Alertmanager's default mode). */
  validationScheme?: 'utf8' | 'legacy';
  /** Matcher syntax (default fallback). */
  matcherMode?: 'fallback' | 'utf8' | 'classic';
  /** Expand `${VAR}` in string values from this environment (`--config.expand-env`); off when absent. */
  expandEnv?: Readonly<Record<string, string | undefined>>;
}
