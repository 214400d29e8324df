export { formatQueryTime, PrometheusQueryClient } from './client.js';
export { decodeQueryResponse, parsePromFloat } from './decode.js';
export {
  BadQueryError,
  DatasourceError,
  DatasourceServerError,
  DatasourceTimeoutError,
  DatasourceUnreachableError,
  MalformedResponseError,
} from './errors.js';
export type { DatasourceConfig, QueryClient, QueryResult, Sample } from './types.js';
