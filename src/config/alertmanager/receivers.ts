/** Receivers: webhook, Slack and email configs with defaults and global inheritance (SEMANTICS §4.2, §4.7). */
import type { Node } from 'yaml';
import { type AmDecoder, checkUrl, decodeHttpConfig, decodeTlsConfig, type Field, type Fields } from './decode.js';
import type {
  EmailConfig,
  GlobalConfig,
  ReceiverConfig,
  SlackAction,
  SlackConfig,
  SlackField,
  WebhookConfig,
} from './types.js';

const RECEIVER_KEYS = [
  'name',
  'labels',
  'webhook_configs',
  'slack_configs',
  'email_configs',
  'pagerduty_configs',
  'opsgenie_configs',
  'wechat_configs',
  'pushover_configs',
  'victorops_configs',
  'sns_configs',
  'telegram_configs',
  'webex_configs',
  'discord_configs',
  'msteams_configs',
  'msteamsv2_configs',
  'jira_configs',
  'rocketchat_configs',
  'incidentio_configs',
  'mattermost_configs',
] as const;

/** Decode one receiver; `node` is positioned for errors such as `missing name in receiver`. */
export function decodeReceiver(d: AmDecoder, node: Node, global: GlobalConfig): ReceiverConfig | undefined {
  const fs = d.fields(node, RECEIVER_KEYS);
  if (!fs) return undefined;
  const name = d.str(fs.get('name')) ?? '';
  if (name === '') d.error(node, 'missing name in receiver');
  const labels = d.strRecord(fs.get('labels')) ?? {};
  if (labels.name !== undefined && labels.name !== name) {
    d.fail(fs.get('labels'), `receiver label "name" must equal the receiver name "${name}"`, node);
  }
  const rcv: ReceiverConfig = { name, labels, webhookConfigs: [], slackConfigs: [], emailConfigs: [], other: {} };
  for (const item of d.sequence(fs.get('webhook_configs')?.node ?? null, '[]*config.WebhookConfig') ?? []) {
    const c = decodeWebhook(d, item, global);
    if (c) rcv.webhookConfigs.push(c);
  }
  for (const item of d.sequence(fs.get('slack_configs')?.node ?? null, '[]*config.SlackConfig') ?? []) {
    const c = decodeSlack(d, item, global);
    if (c) rcv.slackConfigs.push(c);
  }
  for (const item of d.sequence(fs.get('email_configs')?.node ?? null, '[]*config.EmailConfig') ?? []) {
    const c = decodeEmail(d, item, global);
    if (c) rcv.emailConfigs.push(c);
  }
  for (const [key, f] of fs) {
    if (!key.endsWith('_configs') || key === 'webhook_configs' || key === 'slack_configs' || key === 'email_configs') {
      continue;
    }
    const items = d.sequence(f.node, `[]*config.${key}`);
    if (items) rcv.other[key] = items.map((i) => d.plain(i));
  }
  return rcv;
}

const WEBHOOK_KEYS = ['send_resolved', 'http_config', 'url', 'url_file', 'max_alerts', 'timeout', 'payload'] as const;

function decodeWebhook(d: AmDecoder, node: Node, global: GlobalConfig): WebhookConfig | undefined {
  const fs = d.fields(node, WEBHOOK_KEYS);
  if (!fs) return undefined;
  const url = d.str(fs.get('url')) || undefined;
  const urlFile = d.str(fs.get('url_file')) || undefined;
  if (url === undefined && urlFile === undefined) d.error(node, 'one of url or url_file must be configured');
  if (url !== undefined && urlFile !== undefined) d.error(node, 'at most one of url & url_file must be configured');
  // Templated URLs (v0.32+) can only be checked after rendering.
  if (url !== undefined && !url.includes('{{')) {
    const problem = checkUrl(url);
    if (problem) d.fail(fs.get('url'), problem, node);
  }
  const payload = fs.get('payload');
  return {
    sendResolved: d.bool11(fs.get('send_resolved')) ?? true,
    url,
    urlFile,
    httpConfig: decodeHttpConfig(d, fs.get('http_config')) ?? global.httpConfig,
    maxAlerts: d.uint(fs.get('max_alerts')) ?? 0,
    timeout: d.durationMs(fs.get('timeout')) ?? 0,
    ...(payload ? { payload: d.plain(payload.node) } : {}),
  };
}

const SLACK_KEYS = [
  'send_resolved',
  'http_config',
  'api_url',
  'api_url_file',
  'app_token',
  'app_token_file',
  'app_url',
  'channel',
  'username',
  'color',
  'title',
  'title_link',
  'pretext',
  'text',
  'fields',
  'short_fields',
  'footer',
  'fallback',
  'callback_id',
  'icon_emoji',
  'icon_url',
  'image_url',
  'thumb_url',
  'link_names',
  'mrkdwn_in',
  'actions',
  'message_text',
  'update_message',
  'timeout',
] as const;

const tpl = (name: string) => `{{ template "slack.default.${name}" . }}`;

function decodeSlack(d: AmDecoder, node: Node, global: GlobalConfig): SlackConfig | undefined {
  const fs = d.fields(node, SLACK_KEYS);
  if (!fs) return undefined;
  const s = (key: string, dflt: string) => (fs.has(key) ? (d.str(fs.get(key)) ?? dflt) : dflt);
  const opt = (key: string) => d.str(fs.get(key)) || undefined;
  let apiUrl = opt('api_url');
  let apiUrlFile = opt('api_url_file');
  let appToken = opt('app_token');
  let appTokenFile = opt('app_token_file');
  if (apiUrl && apiUrlFile) d.error(node, 'at most one of api_url & api_url_file must be configured');
  if (appToken && appTokenFile) d.error(node, 'at most one of app_token & app_token_file must be configured');
  if ((apiUrl || apiUrlFile) && (appToken || appTokenFile)) {
    d.error(node, 'at most one of api_url/api_url_file & app_token/app_token_file must be configured');
  }
  if (apiUrl && !apiUrl.includes('{{')) {
    const problem = checkUrl(apiUrl);
    if (problem) d.fail(fs.get('api_url'), problem, node);
  }
  const httpConfig = decodeHttpConfig(d, fs.get('http_config')) ?? global.httpConfig;
  if (!apiUrl && !apiUrlFile && !appToken && !appTokenFile) {
    if (global.slackAppToken || global.slackAppTokenFile) {
      appToken = global.slackAppToken;
      appTokenFile = global.slackAppTokenFile;
    } else if (global.slackApiUrl || global.slackApiUrlFile) {
      apiUrl = global.slackApiUrl;
      apiUrlFile = global.slackApiUrlFile;
    } else {
      d.error(node, 'no global Slack API URL set either inline or in a file');
    }
  }
  if ((appToken || appTokenFile) && httpConfig.authorization) {
    d.error(node, 'at most one of app_token/app_token_file & http_config.authorization must be configured');
  }
  const shortFields = d.bool11(fs.get('short_fields')) ?? false;
  const fields: SlackField[] = [];
  for (const item of d.sequence(fs.get('fields')?.node ?? null, '[]*config.SlackField') ?? []) {
    const ff = d.fields(item, ['title', 'value', 'short']);
    if (!ff) continue;
    const title = d.str(ff.get('title')) ?? '';
    const value = d.str(ff.get('value')) ?? '';
    if (title === '') d.error(item, 'missing title in Slack field configuration');
    if (value === '') d.error(item, 'missing value in Slack field configuration');
    fields.push({ title, value, short: d.bool11(ff.get('short')) ?? shortFields });
  }
  const actions: SlackAction[] = [];
  for (const item of d.sequence(fs.get('actions')?.node ?? null, '[]*config.SlackAction') ?? []) {
    const a = decodeSlackAction(d, item);
    if (a) actions.push(a);
  }
  const mrkdwnIn = d.strList(fs.get('mrkdwn_in')) ?? [];
  return {
    sendResolved: d.bool11(fs.get('send_resolved')) ?? false,
    httpConfig,
    apiUrl,
    apiUrlFile,
    appToken,
    appTokenFile,
    appUrl: opt('app_url') ?? global.slackAppUrl,
    channel: opt('channel'),
    username: s('username', tpl('username')),
    color: s('color', '{{ if eq .Status "firing" }}danger{{ else }}good{{ end }}'),
    title: s('title', tpl('title')),
    titleLink: s('title_link', tpl('titlelink')),
    pretext: s('pretext', tpl('pretext')),
    text: s('text', tpl('text')),
    fields,
    shortFields,
    footer: s('footer', tpl('footer')),
    fallback: s('fallback', tpl('fallback')),
    callbackId: s('callback_id', tpl('callbackid')),
    iconEmoji: s('icon_emoji', tpl('iconemoji')),
    iconUrl: s('icon_url', tpl('iconurl')),
    imageUrl: opt('image_url'),
    thumbUrl: opt('thumb_url'),
    linkNames: d.bool11(fs.get('link_names')) ?? false,
    mrkdwnIn: mrkdwnIn.length > 0 ? mrkdwnIn : ['fallback', 'pretext', 'text'],
    actions,
    messageText: opt('message_text'),
    updateMessage: d.bool11(fs.get('update_message')) ?? false,
    timeout: d.durationMs(fs.get('timeout')) ?? 0,
  };
}

function decodeSlackAction(d: AmDecoder, node: Node): SlackAction | undefined {
  const fs = d.fields(node, ['type', 'text', 'url', 'style', 'name', 'value', 'confirm']);
  if (!fs) return undefined;
  const a: SlackAction = { type: d.str(fs.get('type')) ?? '', text: d.str(fs.get('text')) ?? '' };
  if (a.type === '') d.error(node, 'missing type in Slack action configuration');
  if (a.text === '') d.error(node, 'missing text in Slack action configuration');
  const url = d.str(fs.get('url')) || undefined;
  const name = d.str(fs.get('name')) || undefined;
  if (url) a.url = url;
  else if (name) {
    a.name = name;
    a.value = d.str(fs.get('value')) || undefined;
  } else d.error(node, 'missing name or url in Slack action configuration');
  const style = d.str(fs.get('style'));
  if (style) a.style = style;
  const confirm = fs.get('confirm');
  if (confirm) {
    const cf = d.fields(confirm.node, ['title', 'text', 'ok_text', 'dismiss_text']);
    if (cf) {
      const text = d.str(cf.get('text')) ?? '';
      if (text === '') d.fail(confirm, 'missing text in Slack confirmation configuration', node);
      a.confirm = {
        title: d.str(cf.get('title')) || undefined,
        text,
        okText: d.str(cf.get('ok_text')) || undefined,
        dismissText: d.str(cf.get('dismiss_text')) || undefined,
      };
    }
  }
  return a;
}

const EMAIL_KEYS = [
  'send_resolved',
  'to',
  'from',
  'hello',
  'smarthost',
  'auth_username',
  'auth_password',
  'auth_password_file',
  'auth_secret',
  'auth_secret_file',
  'auth_identity',
  'headers',
  'html',
  'text',
  'require_tls',
  'tls_config',
  'force_implicit_tls',
  'threading',
  'timeout',
] as const;

/** Go textproto.CanonicalMIMEHeaderKey for ASCII token names. */
export function canonicalHeaderKey(k: string): string {
  if (!/^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/.test(k)) return k;
  return k.toLowerCase().replace(/(^|-)([a-z])/g, (_, sep: string, c: string) => sep + c.toUpperCase());
}

/** `host:port` with a port (Go net.SplitHostPort). */
function checkHostPort(s: string): string | undefined {
  const m = /^(\[[^\]]*\]|[^:[\]]*):([^:]*)$/.exec(s);
  if (!m) return `address ${s}: missing port in address`;
  if (m[2] === '') return `address ${JSON.stringify(s)}: port cannot be empty`;
  return undefined;
}

function decodeEmail(d: AmDecoder, node: Node, global: GlobalConfig): EmailConfig | undefined {
  const fs = d.fields(node, EMAIL_KEYS);
  if (!fs) return undefined;
  const opt = (key: string) => d.str(fs.get(key)) || undefined;
  const to = opt('to') ?? '';
  if (to === '') d.error(node, 'missing to address in email config');
  const headers: Record<string, string> = {};
  for (const e of d.stringMap(fs.get('headers')?.node ?? null) ?? []) {
    const key = canonicalHeaderKey(e.key);
    if (key in headers) d.error(e.keyNode, `duplicate header ${JSON.stringify(key)} in email config`);
    headers[key] = e.value;
  }
  const smarthostField = fs.get('smarthost');
  let smarthost = opt('smarthost');
  if (smarthost) {
    const problem = checkHostPort(smarthost);
    if (problem) d.fail(smarthostField, problem, node);
  } else {
    smarthost = global.smtpSmarthost;
    if (!smarthost) d.error(node, 'no global SMTP smarthost set');
  }
  const from = opt('from') ?? global.smtpFrom;
  if (!from) d.error(node, 'no global SMTP from set');
  let authPassword = opt('auth_password');
  let authPasswordFile = opt('auth_password_file');
  if (authPassword && authPasswordFile)
    d.error(node, 'at most one of auth_password & auth_password_file must be configured');
  if (!authPassword && !authPasswordFile) {
    authPassword = global.smtpAuthPassword;
    authPasswordFile = global.smtpAuthPasswordFile;
  }
  let authSecret = opt('auth_secret');
  let authSecretFile = opt('auth_secret_file');
  if (authSecret && authSecretFile) d.error(node, 'at most one of auth_secret & auth_secret_file must be configured');
  if (!authSecret && !authSecretFile) {
    authSecret = global.smtpAuthSecret;
    authSecretFile = global.smtpAuthSecretFile;
  }
  const threading = decodeThreading(d, fs.get('threading'));
  if (threading.enabled && ('References' in headers || 'In-Reply-To' in headers)) {
    d.fail(
      fs.get('threading'),
      'conflicting configuration: threading cannot be combined with References or In-Reply-To headers',
      node,
    );
  }
  const resolvedFrom = from ?? '';
  headers.Subject ??= '{{ template "email.default.subject" . }}';
  headers.To ??= to;
  headers.From ??= resolvedFrom;
  return {
    sendResolved: d.bool11(fs.get('send_resolved')) ?? false,
    to,
    from: resolvedFrom,
    hello: opt('hello') ?? global.smtpHello,
    smarthost: smarthost ?? '',
    authUsername: opt('auth_username') ?? global.smtpAuthUsername,
    authPassword,
    authPasswordFile,
    authSecret,
    authSecretFile,
    authIdentity: opt('auth_identity') ?? global.smtpAuthIdentity,
    requireTls: d.bool11(fs.get('require_tls')) ?? global.smtpRequireTls,
    forceImplicitTls: d.bool11(fs.get('force_implicit_tls')) ?? global.smtpForceImplicitTls,
    tlsConfig: fs.has('tls_config') ? decodeTlsConfig(d, fs.get('tls_config')) : global.smtpTlsConfig,
    headers,
    html: fs.has('html') ? (d.str(fs.get('html')) ?? '') : '{{ template "email.default.html" . }}',
    text: d.str(fs.get('text')) ?? '',
    threading,
    timeout: d.durationMs(fs.get('timeout')) ?? 0,
  };
}

function decodeThreading(d: AmDecoder, f: Field | undefined): EmailConfig['threading'] {
  const out: EmailConfig['threading'] = { enabled: false, threadByDate: 'none' };
  if (!f) return out;
  const fs: Fields | undefined = d.fields(f.node, ['enabled', 'thread_by_date']);
  if (!fs) return out;
  out.enabled = d.bool11(fs.get('enabled')) ?? false;
  const by = d.str(fs.get('thread_by_date')) || 'none';
  if (by === 'none' || by === 'daily') out.threadByDate = by;
  else
    d.fail(
      fs.get('thread_by_date'),
      `invalid thread_by_date value ${JSON.stringify(by)}, must be "none" or "daily"`,
      f.node,
    );
  return out;
}
