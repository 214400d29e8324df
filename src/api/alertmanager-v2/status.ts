/**
 * GET /api/v2/status and GET /api/v2/receivers (SEMANTICS §7.1). Shapes follow Alertmanager 0.25, which the
 * scenarios were recorded with: no cluster `name` when clustering is disabled, receivers as `{name}` only.
 * `config.original` is the configuration text with secret values replaced by `<secret>`, which is what
 * Alertmanager prints and what amtool `config routes` loads back.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isMap, isPair, isScalar, isSeq, parseDocument, visit } from 'yaml';
import type { AlertmanagerConfig } from '../../config/alertmanager/types.js';
import { type Matcher, matchesAll, parseMatcher } from '../../labels/matcher.js';
import { formatApiTime, listParam, sendJsonString } from './wire.js';

export interface StatusRoutesOptions {
  getConfig: () => AlertmanagerConfig;
  /** When the instance started (ms), for `uptime`. */
  startedAt: number;
  version: string;
  revision?: string;
  branch?: string;
  buildUser?: string;
  buildDate?: string;
}

/** Keys whose values are secrets wherever they appear (upstream `Secret` fields). */
const SECRET_KEYS = new Set([
  'password',
  'bearer_token',
  'credentials',
  'client_secret',
  'api_key',
  'api_secret',
  'auth_password',
  'auth_secret',
  'auth_token',
  'service_key',
  'routing_key',
  'user_key',
  'token',
  'bot_token',
  'smtp_auth_password',
  'smtp_auth_secret',
  'slack_api_url',
  'opsgenie_api_key',
  'victorops_api_key',
  'wechat_api_secret',
  'telegram_bot_token',
  'webex_api_url',
]);

/** Keys that are secrets only inside some receiver sections (a Slack `api_url` carries its token). */
const SECRET_IN_SECTION: Record<string, string> = { api_url: 'slack_configs' };

/** The configuration text with every secret scalar replaced by `<secret>`; comments and layout are kept. */
export function redactConfig(source: string): string {
  const doc = parseDocument(source, { keepSourceTokens: false });
  visit(doc, {
    Pair(_key, pair, path) {
      if (!isPair(pair) || !isScalar(pair.key) || !isScalar(pair.value)) return;
      const key = String(pair.key.value);
      let secret = SECRET_KEYS.has(key);
      const section = SECRET_IN_SECTION[key];
      if (!secret && section) {
        secret = path.some(
          (node) => isPair(node) && isScalar(node.key) && node.key.value === section && isSeq(node.value),
        );
      }
      if (secret && pair.value.value !== null && pair.value.value !== '') {
        pair.value.value = '<secret>';
        pair.value.type = 'PLAIN';
      }
    },
  });
  if (!isMap(doc.contents)) return source;
  return doc.toString({ lineWidth: 0 });
}

export function statusRoutes(app: FastifyInstance, opts: StatusRoutesOptions): void {
  let redactedFor: string | undefined;
  let redacted = '';
  const original = () => {
    const src = opts.getConfig().original;
    if (src !== redactedFor) {
      redacted = redactConfig(src);
      redactedFor = src;
    }
    return redacted;
  };

  app.get('/api/v2/status', async () => ({
    cluster: { peers: [], status: 'disabled' },
    config: { original: original() },
    uptime: formatApiTime(opts.startedAt),
    versionInfo: {
      branch: opts.branch ?? '',
      buildDate: opts.buildDate ?? '',
      buildUser: opts.buildUser ?? '',
      goVersion: `node${process.versions.node}`,
      revision: opts.revision ?? '',
      version: opts.version,
    },
  }));

  app.get('/api/v2/receivers', async (req: FastifyRequest<{ Querystring: Record<string, unknown> }>, reply) => {
    let matchers: Matcher[];
    try {
      matchers = listParam(req.query.receiver_matchers).map((m) => parseMatcher(m));
    } catch (err) {
      return sendJsonString(reply, 400, (err as Error).message);
    }
    return opts
      .getConfig()
      .receivers.filter((r) => matchesAll(matchers, { ...r.labels, name: r.name }))
      .map((r) => ({ name: r.name }));
  });
}
