/** Base class of every failure of a datasource query; `reason` is the short label used in metrics and meta-alerts. */
export abstract class DatasourceError extends Error {
  abstract readonly reason: 'unreachable' | 'timeout' | 'bad_query' | 'server_error' | 'malformed_response';
  /** True when the datasource itself is unhealthy (as opposed to the query being wrong). */
  abstract readonly datasourceDown: boolean;
}

/** Connection refused, DNS failure, reset: no HTTP response at all. */
export class DatasourceUnreachableError extends DatasourceError {
  readonly reason = 'unreachable';
  readonly datasourceDown = true;
  override name = 'DatasourceUnreachableError';
}

export class DatasourceTimeoutError extends DatasourceError {
  readonly reason = 'timeout';
  readonly datasourceDown = true;
  override name = 'DatasourceTimeoutError';
}

/** 4xx, or `status:"error"` with `errorType` bad_data: the query is wrong, the datasource is fine. */
export class BadQueryError extends DatasourceError {
  readonly reason = 'bad_query';
  readonly datasourceDown = false;
  override name = 'BadQueryError';
  constructor(
    message: string,
    readonly errorType?: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** 5xx, or `status:"error"` with a server-side errorType (execution, timeout, internal, ...). */
export class DatasourceServerError extends DatasourceError {
  readonly reason = 'server_error';
  /** A 422 `execution` error (e.g. too many samples) is one query's problem, not an outage. */
  readonly datasourceDown: boolean;
  override name = 'DatasourceServerError';
  constructor(
    message: string,
    readonly errorType?: string,
    readonly status?: number,
  ) {
    super(message);
    this.datasourceDown = errorType !== 'execution';
  }
}

/** 2xx whose body is not the documented envelope, or a result type a rule cannot use. */
export class MalformedResponseError extends DatasourceError {
  readonly reason = 'malformed_response';
  readonly datasourceDown = false;
  override name = 'MalformedResponseError';
}
