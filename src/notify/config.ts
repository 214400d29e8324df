/**
 * The parts of the Alertmanager receiver config (camelCased, defaults applied by `src/config/alertmanager`)
 * that the integrations read. Declared structurally so the config module's types satisfy them.
 */

export interface TlsSettings {
  ca?: string;
  caFile?: string;
  cert?: string;
  certFile?: string;
  key?: string;
  keyFile?: string;
  serverName?: string;
  insecureSkipVerify?: boolean;
  minVersion?: string;
}

/** prometheus/common HTTPClientConfig, the parts Klaxon honours. */
export interface HttpSettings {
  basicAuth?: { username?: string; usernameFile?: string; password?: string; passwordFile?: string };
  authorization?: { type?: string; credentials?: string; credentialsFile?: string };
  bearerToken?: string;
  bearerTokenFile?: string;
  httpHeaders?: Record<string, { values?: string[]; secrets?: string[]; files?: string[] }>;
  tlsConfig?: TlsSettings;
  followRedirects?: boolean;
}

export interface WebhookSettings {
  sendResolved: boolean;
  url?: string;
  urlFile?: string;
  httpConfig?: HttpSettings;
  maxAlerts?: number;
  /** ms; 0 = none. */
  timeout?: number;
}

export interface SlackField {
  title?: string;
  value?: string;
  short?: boolean;
}

export interface SlackAction {
  type?: string;
  text?: string;
  url?: string;
  style?: string;
  name?: string;
  value?: string;
  confirm?: { title?: string; text?: string; okText?: string; dismissText?: string };
}

export interface SlackSettings {
  sendResolved: boolean;
  apiUrl?: string;
  apiUrlFile?: string;
  appToken?: string;
  appTokenFile?: string;
  appUrl?: string;
  httpConfig?: HttpSettings;
  channel?: string;
  username?: string;
  color?: string;
  title?: string;
  titleLink?: string;
  pretext?: string;
  text?: string;
  fields?: SlackField[];
  shortFields?: boolean;
  footer?: string;
  fallback?: string;
  callbackId?: string;
  iconEmoji?: string;
  iconUrl?: string;
  imageUrl?: string;
  thumbUrl?: string;
  linkNames?: boolean;
  mrkdwnIn?: string[];
  actions?: SlackAction[];
  messageText?: string;
  updateMessage?: boolean;
  /** ms; 0 = none. */
  timeout?: number;
}

export interface EmailSettings {
  sendResolved: boolean;
  to?: string;
  from?: string;
  hello?: string;
  /** `host:port`. */
  smarthost?: string;
  authUsername?: string;
  authPassword?: string;
  authPasswordFile?: string;
  authSecret?: string;
  authSecretFile?: string;
  authIdentity?: string;
  requireTls?: boolean;
  forceImplicitTls?: boolean;
  tlsConfig?: TlsSettings;
  headers?: Record<string, string>;
  html?: string;
  text?: string;
  threading?: { enabled: boolean; threadByDate: 'none' | 'daily' };
  /** ms; 0 = default. */
  timeout?: number;
}

export interface ReceiverSettings {
  name: string;
  webhookConfigs?: WebhookSettings[];
  slackConfigs?: SlackSettings[];
  emailConfigs?: EmailSettings[];
  /** Other `<type>_configs` sections, keyed by the section name (e.g. `json_post_configs`), for plugins. */
  other?: Record<string, unknown[]>;
}
