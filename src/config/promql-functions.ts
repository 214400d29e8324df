/** PromQL function signatures for argument checks, transcribed from Prometheus promql/parser/functions.go (3.x, Apache-2.0). */

export type ValueType = 'scalar' | 'vector' | 'matrix' | 'string';

export interface FunctionSignature {
  args: ValueType[];
  /** 0: exactly `args`; n > 0: the last argument is optional and may repeat up to n times; -1: unbounded. */
  variadic: number;
  returns: ValueType;
}

const s: ValueType = 'scalar';
const v: ValueType = 'vector';
const m: ValueType = 'matrix';
const str: ValueType = 'string';
const sig = (args: ValueType[], returns: ValueType = v, variadic = 0): FunctionSignature => ({
  args,
  variadic,
  returns,
});

/** Prometheus' promql/parser/functions.go (3.x); functions missing here are trusted to the grammar. */
export const FUNCTIONS: Record<string, FunctionSignature> = {
  ...Object.fromEntries(
    'abs ceil exp floor ln log2 log10 sgn sqrt deg rad sin sinh cos cosh tan tanh asin asinh acos acosh atan atanh absent timestamp sort sort_desc histogram_avg histogram_count histogram_sum histogram_stddev histogram_stdvar'
      .split(' ')
      .map((name) => [name, sig([v])]),
  ),
  ...Object.fromEntries(
    'day_of_month day_of_week day_of_year days_in_month hour minute month year'
      .split(' ')
      .map((name) => [name, sig([v], v, 1)]),
  ),
  ...Object.fromEntries(
    'rate irate increase delta idelta deriv changes resets absent_over_time present_over_time avg_over_time count_over_time last_over_time first_over_time max_over_time min_over_time sum_over_time stddev_over_time stdvar_over_time mad_over_time ts_of_max_over_time ts_of_min_over_time ts_of_last_over_time ts_of_first_over_time'
      .split(' ')
      .map((name) => [name, sig([m])]),
  ),
  clamp: sig([v, s, s]),
  clamp_max: sig([v, s]),
  clamp_min: sig([v, s]),
  double_exponential_smoothing: sig([m, s, s]),
  histogram_fraction: sig([s, s, v]),
  histogram_quantile: sig([s, v]),
  label_join: sig([v, str, str, str], v, -1),
  label_replace: sig([v, str, str, str, str]),
  pi: sig([], s),
  predict_linear: sig([m, s]),
  quantile_over_time: sig([s, m]),
  round: sig([v, s], v, 1),
  scalar: sig([v], s),
  sort_by_label: sig([v, str], v, -1),
  sort_by_label_desc: sig([v, str], v, -1),
  time: sig([], s),
  vector: sig([s]),
};
