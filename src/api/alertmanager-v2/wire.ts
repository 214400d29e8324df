/**
 * Wire helpers shared by the Alertmanager API v2 handlers: times (SEMANTICS §0.5), go-swagger's error
 * shapes, and JSON-string error bodies.
 */
import type { FastifyReply } from 'fastify';

/** RFC 3339 in UTC with exactly three fractional digits (go-openapi `strfmt.DateTime`). */
export function formatApiTime(ms: number): string {
  return new Date(ms).toISOString();
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Any RFC 3339 time (any offset, any fraction, truncated to ms); undefined when malformed. */
export function parseApiTime(s: string): number | undefined {
  if (!RFC3339.test(s)) return undefined;
  const ms = Date.parse(s.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isNaN(ms) ? undefined : ms;
}

/** Alertmanager answers errors of its own handlers as a JSON string. */
export function sendJsonString(reply: FastifyReply, status: number, message: string): FastifyReply {
  return reply.code(status).type('application/json').send(JSON.stringify(message));
}

/** go-swagger's validation errors (`{code, message}`): 400 for unparsable bodies, 422 for schema violations. */
export function sendSwaggerError(reply: FastifyReply, status: 400 | 422, code: number, message: string): FastifyReply {
  return reply.code(status).type('application/json').send(JSON.stringify({ code, message }));
}

/** A go-swagger body error. */
export interface SwaggerBodyError {
  ok: false;
  status: 400 | 422;
  code: number;
  message: string;
}

/** go-swagger's 400 for a body it could not unmarshal into `param` (`alerts`, `silence`). */
export function bodyParseFailure(param: string, because: string): SwaggerBodyError {
  return { ok: false, status: 400, code: 400, message: `parsing ${param} body from "" failed, because ${because}` };
}

/** go-openapi's `strfmt.UUID` check on path parameters. */
export const UUID_PATTERN = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** A boolean query parameter with a default, as go-swagger parses it (`1`, `t`, `true`, ... and their negations). */
export function boolParam(v: unknown, dflt: boolean): boolean | undefined {
  if (v === undefined || v === '') return dflt;
  if (typeof v !== 'string') return undefined;
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(v)) return false;
  return undefined;
}

/** A repeatable query parameter as a list. */
export function listParam(v: unknown): string[] {
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}
