import type { FastifyInstance, FastifyReply } from 'fastify';
import type { RuleGroupConfig } from '../config/rules/types.js';
import { type Matcher, parseMatchers } from '../labels/matcher.js';
import { ApiError, buildAlertsResponse, buildRulesResponse, type RulesQuery } from './api.js';
import type { GroupState } from './group.js';
import { groupId } from './store.js';

export interface RulerApiSource {
  groups(): RuleGroupConfig[];
  states(groups: RuleGroupConfig[]): Promise<Map<string, GroupState>>;
}

type Query = Record<string, string | string[] | undefined>;

/** Repeated parameters arrive as `name[]` (Prometheus clients) or `name`; both are accepted. */
function list(q: Query, name: string): string[] {
  const v = q[`${name}[]`] ?? q[name];
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

function one(q: Query, name: string): string | undefined {
  const v = q[name];
  return Array.isArray(v) ? v[0] : v;
}

export function parseRulesQuery(q: Query): RulesQuery {
  const type = one(q, 'type');
  if (type !== undefined && type !== '' && type !== 'alert' && type !== 'record') {
    throw new ApiError(400, 'bad_data', `not supported value "${type}"`);
  }
  const matchers: Matcher[][] = [];
  for (const m of list(q, 'match')) {
    try {
      matchers.push(parseMatchers(m, 'utf8'));
    } catch (err) {
      throw new ApiError(400, 'bad_data', `invalid match[] parameter: ${(err as Error).message}`);
    }
  }
  const limitText = one(q, 'group_limit');
  let groupLimit: number | undefined;
  if (limitText !== undefined && limitText !== '') {
    groupLimit = Number(limitText);
    if (!Number.isInteger(groupLimit) || groupLimit <= 0) {
      throw new ApiError(400, 'bad_data', `group_limit needs to be greater than 0, got ${limitText}`);
    }
  }
  return {
    type: type === 'alert' || type === 'record' ? type : undefined,
    ruleNames: list(q, 'rule_name'),
    ruleGroups: list(q, 'rule_group'),
    files: list(q, 'file'),
    excludeAlerts: (one(q, 'exclude_alerts') ?? '').toLowerCase() === 'true',
    matchers,
    groupLimit,
    groupNextToken: one(q, 'group_next_token') || undefined,
  };
}

function fail(reply: FastifyReply, err: unknown) {
  if (err instanceof ApiError) {
    return reply.code(err.status).send({ status: 'error', errorType: err.errorType, error: err.message });
  }
  throw err;
}

const idOf = (g: RuleGroupConfig) => groupId(g.file, g.name);

/** Prometheus `GET /api/v1/rules` and `GET /api/v1/alerts` (§7.3). */
export function registerRulerRoutes(app: FastifyInstance, source: RulerApiSource): void {
  app.get('/api/v1/rules', async (req, reply) => {
    try {
      const q = parseRulesQuery(req.query as Query);
      const groups = source.groups();
      const data = buildRulesResponse(groups, await source.states(groups), idOf, q);
      return { status: 'success', data };
    } catch (err) {
      return fail(reply, err);
    }
  });
  app.get('/api/v1/alerts', async () => {
    const groups = source.groups();
    const data = buildAlertsResponse(groups, await source.states(groups), idOf);
    return { status: 'success', data };
  });
}
