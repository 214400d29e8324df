/** Shown instead of a secret, as Alertmanager marshals `Secret` and `SecretURL` values. */
export const SECRET_PLACEHOLDER = '<secret>';

/**
 * Config keys whose values are secrets (snake_case as in YAML, camelCase as in the parsed config). Webhook and
 * Slack webhook URLs are `SecretURL`s upstream: they usually embed a key.
 */
const SECRET_KEYS = new Set([
  'password',
  'auth_password',
  'authPassword',
  'auth_secret',
  'authSecret',
  'smtp_auth_password',
  'smtpAuthPassword',
  'smtp_auth_secret',
  'smtpAuthSecret',
  'credentials',
  'bearer_token',
  'bearerToken',
  'api_url',
  'apiUrl',
  'slack_api_url',
  'slackApiUrl',
  'app_token',
  'appToken',
  'slack_app_token',
  'slackAppToken',
  'api_key',
  'apiKey',
  'routing_key',
  'routingKey',
  'service_key',
  'serviceKey',
  'token',
  'bot_token',
  'botToken',
  'secrets',
  'key',
]);

/** Keys that are secret only inside a webhook config (a plain `url` elsewhere, e.g. `title_link`, is not). */
const WEBHOOK_SECTIONS = new Set(['webhook_configs', 'webhookConfigs']);

/** A deep copy of a config with every secret replaced by `<secret>`, for logs and `/api/v2/status`. */
export function redactSecrets<T>(config: T): T {
  return redactValue(config, false) as T;
}

function redactValue(value: unknown, inWebhook: boolean): unknown {
  if (Array.isArray(value)) return value.map((v) => redactValue(v, inWebhook));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const secret = SECRET_KEYS.has(k) || (inWebhook && k === 'url');
    if (secret && v !== undefined && v !== null && v !== '') {
      out[k] = Array.isArray(v) ? v.map(() => SECRET_PLACEHOLDER) : SECRET_PLACEHOLDER;
    } else {
      out[k] = redactValue(v, inWebhook || WEBHOOK_SECTIONS.has(k));
    }
  }
  return out;
}

/** Removes what may be secret from free text: URL paths and queries, userinfo, bearer and Slack tokens. */
export function redactText(text: string): string {
  return text
    .replace(/\b(https?:\/\/)(?:[^\s/@]+@)?([^\s/?#]+)[^\s"']*/g, `$1$2/${SECRET_PLACEHOLDER}`)
    .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g, `$1 ${SECRET_PLACEHOLDER}`)
    .replace(/\bxox[a-z]-[A-Za-z0-9-]+/g, SECRET_PLACEHOLDER);
}

/** An error safe to log: same name, redacted message, no stack frames that might embed request data. */
export function redactError(err: unknown): Error {
  const e = err instanceof Error ? err : new Error(String(err));
  const safe = new Error(redactText(e.message));
  safe.name = e.name;
  return safe;
}
