/**
 * Alertmanager API v2 silence endpoints (SEMANTICS §7.1): GET/POST /silences, GET/DELETE /silence/{id}.
 * Status codes and error bodies are those of Alertmanager 0.25, which amtool and the recorded scenarios
 * expect: go-swagger's `{code, message}` for bodies that do not fit the schema (400 unparsable, 422 invalid),
 * a JSON string for the handler's own errors, and 500 "silence not found" when expiring an unknown id.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { type Matcher, parseMatcher } from '../../labels/matcher.js';
import {
  matchesFilter,
  type Silence,
  SilenceError,
  type SilenceInput,
  silenceState,
  sortSilences,
  validatePostedTimes,
} from '../../silence/model.js';
import type { Silencer } from '../../silence/silencer.js';
import type { SilenceStore } from '../../silence/store.js';
import { requestIdentity } from '../auth.js';
import {
  bodyParseFailure,
  boolParam,
  formatApiTime,
  listParam,
  parseApiTime,
  type SwaggerBodyError,
  sendJsonString,
  sendSwaggerError,
  UUID_PATTERN,
} from './wire.js';

export interface SilenceRoutesDeps {
  store: SilenceStore;
  silencer: Silencer;
  now: () => number;
}

/** gettableSilence, keys in the order Alertmanager writes them. */
export function gettableSilence(s: Silence, now: number): Record<string, unknown> {
  return {
    id: s.id,
    status: { state: silenceState(s, now) },
    updatedAt: formatApiTime(s.updatedAt),
    comment: s.comment,
    createdBy: s.createdBy,
    endsAt: formatApiTime(s.endsAt),
    matchers: s.matchers.map((m) => ({ isEqual: m.isEqual, isRegex: m.isRegex, name: m.name, value: m.value })),
    startsAt: formatApiTime(s.startsAt),
    ...(s.annotations ? { annotations: s.annotations } : {}),
  };
}

// Types only; presence is checked separately so a missing field gives go-swagger's 422 instead of a 400.
const postableSilence = z.object({
  id: z.string().optional(),
  matchers: z
    .array(
      z.object({
        name: z.string().nullish(),
        value: z.string().nullish(),
        isRegex: z.boolean().nullish(),
        isEqual: z.boolean().nullish(),
      }),
    )
    .nullish(),
  startsAt: z.string().nullish(),
  endsAt: z.string().nullish(),
  createdBy: z.string().nullish(),
  comment: z.string().nullish(),
  annotations: z.record(z.string(), z.string()).nullish(),
});

type BodyResult = { ok: true; input: SilenceInput } | SwaggerBodyError;

/** Decode a POST /silences body the way go-swagger does: unmarshal, then required fields, then formats. */
export function decodePostableSilence(raw: string, identity: string | undefined): BodyResult {
  const parseFail = (because: string) => bodyParseFailure('silence', because);
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return parseFail(raw.trim() === '' ? 'EOF' : 'unexpected EOF');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return parseFail(
      `json: cannot unmarshal ${Array.isArray(json) ? 'array' : typeof json} into Go value of type models.PostableSilence`,
    );
  }
  const parsed = postableSilence.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return parseFail(
      `json: cannot unmarshal into Go struct field PostableSilence.${issue.path.join('.')}: ${issue.message}`,
    );
  }
  const b = parsed.data;
  const required = (field: string): BodyResult => ({
    ok: false,
    status: 422,
    code: 602,
    message: `${field} in body is required`,
  });
  // go-swagger checks the fields in alphabetical order and reports the first failure first.
  const createdBy = b.createdBy || identity || b.createdBy;
  if (typeof b.comment !== 'string') return required('comment');
  if (typeof createdBy !== 'string') return required('createdBy');
  if (typeof b.endsAt !== 'string') return required('endsAt');
  if (!b.matchers) return required('matchers');
  if (b.matchers.length === 0) {
    return { ok: false, status: 422, code: 612, message: 'matchers in body should have at least 1 items' };
  }
  for (const [i, m] of b.matchers.entries()) {
    for (const f of ['isRegex', 'name', 'value'] as const) if (m[f] == null) return required(`matchers.${i}.${f}`);
  }
  if (typeof b.startsAt !== 'string') return required('startsAt');
  const startsAt = parseApiTime(b.startsAt);
  if (startsAt === undefined) return parseFail(`parsing time ${JSON.stringify(b.startsAt)} as RFC 3339 failed`);
  const endsAt = parseApiTime(b.endsAt);
  if (endsAt === undefined) return parseFail(`parsing time ${JSON.stringify(b.endsAt)} as RFC 3339 failed`);
  return {
    ok: true,
    input: {
      ...(b.id ? { id: b.id } : {}),
      matchers: b.matchers.map((m) => ({
        name: m.name!,
        value: m.value!,
        isRegex: m.isRegex!,
        isEqual: m.isEqual ?? true,
      })),
      startsAt,
      endsAt,
      createdBy,
      comment: b.comment,
      ...(b.annotations ? { annotations: b.annotations } : {}),
    },
  };
}

function sendError(reply: FastifyReply, err: unknown): FastifyReply {
  if (err instanceof SilenceError) return sendJsonString(reply, err.status, err.message);
  throw err;
}

function badSilenceId(reply: FastifyReply, id: string): FastifyReply | undefined {
  if (UUID_PATTERN.test(id)) return undefined;
  return sendSwaggerError(reply, 422, 601, `silenceID in path must be of type uuid: ${JSON.stringify(id)}`);
}

export function silenceRoutes(app: FastifyInstance, deps: SilenceRoutesDeps): void {
  const { store, silencer, now } = deps;

  // Keep the body as text: go-swagger's parse errors are part of the contract, Fastify's are not.
  app.register(async (scoped) => {
    scoped.removeContentTypeParser('application/json');
    scoped.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

    scoped.get('/api/v2/silences', async (req: FastifyRequest<{ Querystring: Record<string, unknown> }>, reply) => {
      const q = req.query;
      const states = {
        active: boolParam(q.active, true),
        pending: boolParam(q.pending, true),
        expired: boolParam(q.expired, true),
      };
      for (const [name, v] of Object.entries(states)) {
        if (v === undefined)
          return sendSwaggerError(reply, 422, 606, `${name} in query must be of type bool: ${JSON.stringify(q[name])}`);
      }
      let filters: Matcher[];
      try {
        filters = listParam(q.filter).map((f) => parseMatcher(f));
      } catch (err) {
        return sendJsonString(reply, 400, (err as Error).message);
      }
      await silencer.sync();
      const t = now();
      const list = silencer.all().filter((s) => states[silenceState(s, t)] && matchesFilter(s, filters));
      return reply.send(sortSilences(list, t).map((s) => gettableSilence(s, t)));
    });

    scoped.post('/api/v2/silences', async (req, reply) => {
      const raw = typeof req.body === 'string' ? req.body : '';
      // Only an authenticated identity stands in for a missing createdBy; anonymous requests get upstream's 422.
      const who = requestIdentity(req);
      const decoded = decodePostableSilence(raw, who && who.via !== 'anonymous' ? who.name : undefined);
      if (!decoded.ok) return sendSwaggerError(reply, decoded.status, decoded.code, decoded.message);
      const problem = validatePostedTimes(decoded.input, now());
      if (problem) return sendJsonString(reply, 400, problem);
      try {
        const silenceID = await store.set(decoded.input, now);
        await silencer.sync();
        return reply.send({ silenceID });
      } catch (err) {
        return sendError(reply, err);
      }
    });

    scoped.get('/api/v2/silence/:silenceID', async (req: FastifyRequest<{ Params: { silenceID: string } }>, reply) => {
      const { silenceID } = req.params;
      const bad = badSilenceId(reply, silenceID);
      if (bad) return bad;
      const s = await store.get(silenceID);
      if (!s) return reply.code(404).send();
      return reply.send(gettableSilence(s, now()));
    });

    scoped.delete(
      '/api/v2/silence/:silenceID',
      async (req: FastifyRequest<{ Params: { silenceID: string } }>, reply) => {
        const { silenceID } = req.params;
        const bad = badSilenceId(reply, silenceID);
        if (bad) return bad;
        try {
          await store.expire(silenceID, now);
          await silencer.sync();
          return reply.code(200).send();
        } catch (err) {
          // Alertmanager 0.25 answers an unknown id with 500 "silence not found" (amtool's recording shows it).
          if (err instanceof SilenceError && err.status === 404) return sendJsonString(reply, 500, err.message);
          return sendError(reply, err);
        }
      },
    );
  });
}
