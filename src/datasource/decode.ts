import type { Labels } from '../labels/labels.js';
import { BadQueryError, DatasourceServerError, MalformedResponseError } from './errors.js';
import type { QueryResult, Sample } from './types.js';

/** Prometheus prints floats with Go's FormatFloat; JS Number() does not know `+Inf`/`-Inf`/`NaN` spelled that way. */
export function parsePromFloat(s: unknown): number {
  if (typeof s !== 'string') throw new MalformedResponseError(`sample value is not a string: ${JSON.stringify(s)}`);
  switch (s) {
    case 'NaN':
      return Number.NaN;
    case '+Inf':
    case 'Inf':
      return Number.POSITIVE_INFINITY;
    case '-Inf':
      return Number.NEGATIVE_INFINITY;
  }
  const v = Number(s);
  if (s.trim() === '' || Number.isNaN(v)) throw new MalformedResponseError(`invalid sample value ${JSON.stringify(s)}`);
  return v;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function decodeLabels(v: unknown): Labels {
  if (!isRecord(v)) throw new MalformedResponseError('sample metric is not an object');
  const out: Labels = {};
  for (const [k, val] of Object.entries(v)) {
    if (typeof val !== 'string') throw new MalformedResponseError(`label ${k} is not a string`);
    out[k] = val;
  }
  return out;
}

function decodePair(v: unknown): number {
  if (!Array.isArray(v) || v.length !== 2) throw new MalformedResponseError('sample value is not a [time, value] pair');
  return parsePromFloat(v[1]);
}

/** Native histograms have no float value a rule could compare; they are rejected like upstream-unsupported types. */
function decodeVectorItem(item: unknown): Sample {
  if (!isRecord(item)) throw new MalformedResponseError('vector item is not an object');
  if (item.value === undefined && item.histogram !== undefined) {
    throw new MalformedResponseError('native histogram samples are not supported in rule results');
  }
  return { labels: decodeLabels(item.metric ?? {}), value: decodePair(item.value) };
}

/** Prometheus errorTypes that say the server failed (422 execution, 503 timeout/unavailable), not the query text. */
const SERVER_ERROR_TYPES = new Set(['execution', 'timeout', 'canceled', 'internal', 'unavailable']);

function errorFromEnvelope(httpStatus: number, errorType: string | undefined, message: string): Error {
  const serverSide = errorType !== undefined && SERVER_ERROR_TYPES.has(errorType);
  if (errorType === 'bad_data' || (httpStatus >= 400 && httpStatus < 500 && !serverSide)) {
    return new BadQueryError(message, errorType, httpStatus);
  }
  return new DatasourceServerError(message, errorType, httpStatus);
}

/**
 * Decode the body of an `/api/v1/query` response given its HTTP status (§2.2). Throws the matching
 * DatasourceError subclass; a successful matrix or string result is a MalformedResponseError with
 * Prometheus' message `rule result is not a vector or scalar`.
 */
export function decodeQueryResponse(httpStatus: number, body: string): QueryResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    if (httpStatus >= 500)
      throw new DatasourceServerError(`server returned HTTP status ${httpStatus}`, undefined, httpStatus);
    if (httpStatus >= 400) throw new BadQueryError(`server returned HTTP status ${httpStatus}`, undefined, httpStatus);
    throw new MalformedResponseError(`response body is not JSON (HTTP ${httpStatus})`);
  }
  if (!isRecord(parsed)) throw new MalformedResponseError('response body is not a JSON object');
  if (parsed.status === 'error' || httpStatus < 200 || httpStatus >= 300) {
    const errorType = typeof parsed.errorType === 'string' ? parsed.errorType : undefined;
    const msg = typeof parsed.error === 'string' ? parsed.error : `server returned HTTP status ${httpStatus}`;
    throw errorFromEnvelope(httpStatus, errorType, msg);
  }
  if (parsed.status !== 'success' || !isRecord(parsed.data)) {
    throw new MalformedResponseError('response is not a success envelope with data');
  }
  const warnings = Array.isArray(parsed.warnings) ? parsed.warnings.map(String) : [];
  const { resultType, result } = parsed.data;
  if (resultType === 'vector') {
    if (!Array.isArray(result)) throw new MalformedResponseError('vector result is not an array');
    return { samples: result.map(decodeVectorItem), warnings };
  }
  if (resultType === 'scalar') return { samples: [{ labels: {}, value: decodePair(result) }], warnings };
  if (resultType === 'matrix' || resultType === 'string') {
    throw new MalformedResponseError('rule result is not a vector or scalar');
  }
  throw new MalformedResponseError(`unknown result type ${JSON.stringify(resultType)}`);
}
