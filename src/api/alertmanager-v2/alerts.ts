/**
 * Alertmanager API v2 `GET`/`POST /api/v2/alerts` and the old `POST /api/v1/alerts` (SEMANTICS §5.1, §7.1),
 * with Alertmanager 0.25's status codes and bodies: 200 empty; go-swagger `{code, message}` for bodies that
 * do not fit the schema; 400 with the joined validation errors as a JSON string while valid alerts are kept.
 */
import type { FastifyInstance } from 'fastify';
import type { Alert, PostableAlert } from '../../alerts/types.js';
import type { Labels } from '../../labels/labels.js';
import type { Matcher } from '../../labels/matcher.js';
import type { CompiledRegex } from '../../labels/regex.js';
import { AlertFragmentCache, type AlertFragments, appendAlertJson } from './alert-json.js';
import {
  type AlertStatus,
  type AlertsBackend,
  alertStatus,
  parseAlertQuery,
  passesStatusFilter,
} from './alert-view.js';
import { registerAlertGroupsRoute } from './groups.js';
import { bodyParseFailure, parseApiTime, type SwaggerBodyError, sendJsonString, sendSwaggerError } from './wire.js';

type Decoded = { ok: true; alerts: PostableAlert[] } | SwaggerBodyError;

function goTypeName(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'object';
  return typeof v;
}

function stringMap(v: unknown): v is Record<string, string> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  for (const k in v) if (typeof (v as Record<string, unknown>)[k] !== 'string') return false;
  return true;
}

/** Decode and schema-check a postableAlerts body the way go-swagger does. */
export function decodePostableAlerts(raw: string): Decoded {
  const parseFailure = (why: string) => bodyParseFailure('alerts', why);
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    return parseFailure(
      raw.trim() === ''
        ? 'EOF'
        : /end of (JSON )?input|Unterminated/i.test(String(err))
          ? 'unexpected EOF'
          : (err as Error).message,
    );
  }
  if (!Array.isArray(json)) {
    return parseFailure(`json: cannot unmarshal ${goTypeName(json)} into Go value of type models.PostableAlerts`);
  }
  const alerts: PostableAlert[] = [];
  // Alerts of one body mostly share their times (one evaluation); each distinct string is parsed once.
  const times = new Map<string, number | undefined>();
  for (let i = 0; i < json.length; i++) {
    const item: unknown = json[i];
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      return parseFailure(`json: cannot unmarshal ${goTypeName(item)} into Go value of type models.PostableAlert`);
    }
    const a = item as Record<string, unknown>;
    if (a.labels === undefined || a.labels === null) {
      return { ok: false, status: 422, code: 602, message: `${i}.labels in body is required` };
    }
    if (!stringMap(a.labels)) return parseFailure('json: cannot unmarshal labels into Go struct field');
    if (a.annotations !== undefined && a.annotations !== null && !stringMap(a.annotations)) {
      return parseFailure('json: cannot unmarshal annotations into Go struct field');
    }
    const alert: PostableAlert = { labels: a.labels };
    if (stringMap(a.annotations)) alert.annotations = a.annotations;
    for (const field of ['startsAt', 'endsAt'] as const) {
      const v = a[field];
      if (v === undefined || v === null) continue;
      let ms: number | undefined;
      if (typeof v === 'string') {
        ms = times.get(v);
        if (ms === undefined && !times.has(v)) {
          ms = parseApiTime(v);
          times.set(v, ms);
        }
      }
      if (ms === undefined) {
        return {
          ok: false,
          status: 422,
          code: 601,
          message: `${i}.${field} in body must be of type date-time: ${JSON.stringify(String(v))}`,
        };
      }
      alert[field] = ms;
    }
    if (typeof a.generatorURL === 'string') alert.generatorURL = a.generatorURL;
    alerts.push(alert);
  }
  return { ok: true, alerts };
}

const OPEN = Buffer.from('[');
const COMMA = Buffer.from(',');
const CLOSE = Buffer.from(']');

/** A regex test that remembers its answers for one request: alerts repeat the same few label values. */
function memoizedTest(re: Pick<CompiledRegex, 'test'>): (value: string) => boolean {
  const memo = new Map<string, boolean>();
  return (value) => {
    let hit = memo.get(value);
    if (hit === undefined) {
      hit = re.test(value);
      memo.set(value, hit);
    }
    return hit;
  };
}

/** The `filter` matchers as one test, regex answers memoised for the request. */
function labelFilter(matchers: Matcher[]): (labels: Labels) => boolean {
  const tests = matchers.map((m) => ({
    name: m.name,
    test: m.type === '=' || m.type === '!=' ? (v: string) => m.matches(v) : memoizedTest({ test: (v) => m.matches(v) }),
  }));
  return (labels) => {
    for (const t of tests) if (!t.test(labels[t.name] ?? '')) return false;
    return true;
  };
}

export function registerAlertsRoutes(app: FastifyInstance, backend: AlertsBackend): void {
  app.register(async (scoped) => {
    // The body is decoded by hand so malformed input gets Alertmanager's error shapes, not Fastify's.
    scoped.removeContentTypeParser('application/json');
    scoped.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

    scoped.post('/api/v2/alerts', async (req, reply) => {
      const decoded = decodePostableAlerts(typeof req.body === 'string' ? req.body : '');
      if (!decoded.ok) return sendSwaggerError(reply, decoded.status, decoded.code, decoded.message);
      const result = await backend.ingest(decoded.alerts);
      if (result.errors.length > 0) return sendJsonString(reply, 400, result.errors.join('; '));
      return reply.code(200).send();
    });

    scoped.post('/api/v1/alerts', async (req, reply) => {
      const decoded = decodePostableAlerts(typeof req.body === 'string' ? req.body : '');
      if (!decoded.ok) {
        return reply.code(400).send({ status: 'error', errorType: 'bad_data', error: decoded.message });
      }
      const result = await backend.ingest(decoded.alerts);
      if (result.errors.length > 0) {
        return reply.code(400).send({ status: 'error', errorType: 'bad_data', error: result.errors.join('; ') });
      }
      return reply.code(200).send({ status: 'success' });
    });
  });

  const fragments = new AlertFragmentCache();
  const receiversOf = (alert: Alert) => backend.place(alert.labels).map((p) => p.route.receiver);

  // Upstream computes routes and status for every alert before filtering; all checks here are pure, so the cheap
  // label filter goes first and only the alerts it keeps are routed and looked up in the silences and inhibitions.
  app.get('/api/v2/alerts', async (req, reply) => {
    const query = parseAlertQuery(req.query as Record<string, unknown>, reply);
    if (!query) return reply;
    const now = backend.now();
    const alerts = await backend.unresolvedAlerts(now);
    const routes = backend.config();
    const labelsPass = labelFilter(query.filter);
    const receiverPasses = query.receiver ? memoizedTest(query.receiver) : undefined;
    let inhibitor: ((alert: Alert) => string[]) | undefined;
    fragments.begin();
    const picked: { f: AlertFragments; status: AlertStatus }[] = [];
    for (const alert of alerts) {
      if (alert.endsAt <= now || !labelsPass(alert.labels)) continue;
      const f = fragments.get(alert, routes, receiversOf);
      if (receiverPasses && !f.receivers.some(receiverPasses)) continue;
      inhibitor ??= backend.inhibitor(alerts, now);
      const status = alertStatus(backend, alert, inhibitor, now);
      if (passesStatusFilter(status, query)) picked.push({ f, status });
    }
    if (query.filter.length === 0) fragments.prune(alerts.length);
    picked.sort((a, b) => (a.f.fingerprint < b.f.fingerprint ? -1 : 1));
    const parts: Buffer[] = [OPEN];
    let length = 2;
    for (let i = 0; i < picked.length; i++) {
      if (i > 0) {
        parts.push(COMMA);
        length++;
      }
      length += appendAlertJson(parts, picked[i]!.f, picked[i]!.status);
    }
    parts.push(CLOSE);
    return reply.code(200).type('application/json; charset=utf-8').send(Buffer.concat(parts, length));
  });

  registerAlertGroupsRoute(app, backend);
}
