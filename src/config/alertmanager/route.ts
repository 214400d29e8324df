/** The `route` tree: decoding, validation (SEMANTICS §4.3) and inheritance, applied once at load. */
import type { Node } from 'yaml';
import {
  Matcher,
  MatcherError,
  type MatcherParseMode,
  parseMatchers,
  sortMatchers,
  validLabelName,
} from '../../labels/matcher.js';
import { compileAnchored, RegexError } from '../../labels/regex.js';
import type { AmDecoder, Field } from './decode.js';
import type { ParseAlertmanagerOptions, RouteConfig } from './types.js';

const ROUTE_KEYS = [
  'receiver',
  'group_by',
  'match',
  'match_re',
  'matchers',
  'mute_time_intervals',
  'active_time_intervals',
  'continue',
  'routes',
  'group_wait',
  'group_interval',
  'repeat_interval',
  'labels',
] as const;

export const DEFAULT_GROUP_WAIT_MS = 30_000;
export const DEFAULT_GROUP_INTERVAL_MS = 300_000;
export const DEFAULT_REPEAT_INTERVAL_MS = 4 * 3600_000;
/** Alertmanager's default --data.retention; a longer repeat_interval is warned about. */
const RETENTION_MS = 120 * 3600_000;

/** A route node as written, with the fields needed for positioned cross-checks. */
export interface RawRoute {
  node: Node;
  receiver?: string;
  receiverField?: Field;
  groupBy?: string[] | 'all';
  continue: boolean;
  continueField?: Field;
  matchers: Matcher[];
  matchersField?: Field;
  groupWaitMs?: number;
  groupIntervalMs?: number;
  repeatIntervalMs?: number;
  muteTimeIntervals: string[];
  muteField?: Field;
  activeTimeIntervals: string[];
  activeField?: Field;
  labels: Record<string, string>;
  routes: RawRoute[];
}

export function decodeRoute(d: AmDecoder, node: Node, opts: ParseAlertmanagerOptions): RawRoute | undefined {
  const fs = d.fields(node, ROUTE_KEYS);
  if (!fs) return undefined;
  const scheme = opts.validationScheme ?? 'utf8';
  const mode: MatcherParseMode = opts.matcherMode ?? 'fallback';
  const r: RawRoute = {
    node,
    continue: d.bool11(fs.get('continue')) ?? false,
    continueField: fs.get('continue'),
    matchers: [],
    muteTimeIntervals: d.strList(fs.get('mute_time_intervals')) ?? [],
    muteField: fs.get('mute_time_intervals'),
    activeTimeIntervals: d.strList(fs.get('active_time_intervals')) ?? [],
    activeField: fs.get('active_time_intervals'),
    labels: d.strRecord(fs.get('labels')) ?? {},
    routes: [],
  };
  const receiver = d.str(fs.get('receiver'));
  if (receiver) {
    r.receiver = receiver;
    r.receiverField = fs.get('receiver');
  }
  const groupByField = fs.get('group_by');
  const groupBy = d.strList(groupByField);
  if (groupBy && groupByField) r.groupBy = validateGroupBy(d, groupByField, groupBy, scheme);
  r.groupWaitMs = d.durationMs(fs.get('group_wait'));
  r.groupIntervalMs = d.durationMs(fs.get('group_interval'));
  r.repeatIntervalMs = d.durationMs(fs.get('repeat_interval'));
  if (r.groupIntervalMs === 0) d.fail(fs.get('group_interval'), 'group_interval cannot be zero', node);
  if (r.repeatIntervalMs === 0) d.fail(fs.get('repeat_interval'), 'repeat_interval cannot be zero', node);
  r.matchers = decodeRouteMatchers(d, fs, 'match', 'match_re', 'matchers', scheme, mode);
  r.matchersField = fs.get('matchers') ?? fs.get('match') ?? fs.get('match_re');
  for (const child of d.sequence(fs.get('routes')?.node ?? null, '[]*config.Route') ?? []) {
    const c = decodeRoute(d, child, opts);
    if (c) r.routes.push(c);
  }
  return r;
}

function validateGroupBy(d: AmDecoder, f: Field, names: string[], scheme: 'utf8' | 'legacy'): string[] | 'all' {
  const seen = new Set<string>();
  let all = false;
  for (const name of names) {
    if (name === '...') {
      all = true;
      continue;
    }
    if (!validLabelName(name, scheme)) d.fail(f, `invalid label name ${JSON.stringify(name)} in group_by list`, f.node);
    if (seen.has(name)) d.fail(f, `duplicated label ${JSON.stringify(name)} in group_by`, f.node);
    seen.add(name);
  }
  if (all && seen.size > 0) {
    d.fail(f, 'cannot have wildcard group_by (`...`) and other other labels at the same time', f.node);
  }
  return all ? 'all' : [...seen];
}

/**
 * `<prefix>matchers` lists plus the deprecated `match` / `match_re` maps, merged and sorted like upstream.
 * Shared by routes and inhibit rules. `match_re` values are kept anchored (`^(?:re)$`), as upstream prints them.
 */
export function decodeRouteMatchers(
  d: AmDecoder,
  fs: Map<string, Field>,
  matchKey: string,
  matchReKey: string,
  matchersKey: string,
  scheme: 'utf8' | 'legacy',
  mode: MatcherParseMode,
): Matcher[] {
  const out: Matcher[] = [];
  for (const e of d.stringMap(fs.get(matchKey)?.node ?? null) ?? []) {
    if (!validLabelName(e.key, scheme)) d.error(e.keyNode, `invalid label name ${JSON.stringify(e.key)}`);
    else out.push(new Matcher(e.key, '=', e.value));
  }
  for (const e of d.stringMap(fs.get(matchReKey)?.node ?? null) ?? []) {
    if (!validLabelName(e.key, scheme)) {
      d.error(e.keyNode, `invalid label name ${JSON.stringify(e.key)}`);
      continue;
    }
    try {
      compileAnchored(e.value);
      out.push(new Matcher(e.key, '=~', `^(?:${e.value})$`));
    } catch (err) {
      if (!(err instanceof RegexError)) throw err;
      d.error(e.valueNode ?? e.keyNode, err.message);
    }
  }
  const f = fs.get(matchersKey);
  for (const item of d.sequence(f?.node ?? null, 'config.Matchers') ?? []) {
    const line = d.string(item);
    if (line === undefined) continue;
    try {
      out.push(...parseMatchers(line, mode, (warning) => d.warning(item, warning)));
    } catch (err) {
      if (!(err instanceof MatcherError)) throw err;
      d.errorAt(item, err.offset, err.message);
    }
  }
  return sortMatchers(out);
}

/** Apply §4.3 inheritance from `parent` (undefined for the root, which gets Alertmanager's defaults). */
export function resolveRoute(d: AmDecoder, raw: RawRoute, parent?: RouteConfig): RouteConfig {
  const groupWaitMs = raw.groupWaitMs ?? parent?.groupWaitMs ?? DEFAULT_GROUP_WAIT_MS;
  const groupIntervalMs = raw.groupIntervalMs ?? parent?.groupIntervalMs ?? DEFAULT_GROUP_INTERVAL_MS;
  const repeatIntervalMs = raw.repeatIntervalMs ?? parent?.repeatIntervalMs ?? DEFAULT_REPEAT_INTERVAL_MS;
  if (raw.repeatIntervalMs !== undefined || raw.groupIntervalMs !== undefined || !parent) {
    if (repeatIntervalMs > 0 && groupIntervalMs > 0 && repeatIntervalMs < groupIntervalMs) {
      d.warning(
        raw.node,
        'repeat_interval is less than group_interval. Notifications will not repeat until the next group_interval.',
      );
    }
    if (repeatIntervalMs > RETENTION_MS) {
      d.warning(
        raw.node,
        'repeat_interval is greater than the data retention period. It can lead to notifications being repeated more often than expected.',
      );
    }
  }
  // Upstream (dispatch.NewRoute) replaces group_by only when the written list has label names or `...`:
  // `group_by: []` still inherits (recorded in scenario 12-route-inheritance).
  const own = raw.groupBy !== undefined && (raw.groupBy === 'all' || raw.groupBy.length > 0) ? raw.groupBy : undefined;
  const route: RouteConfig = {
    receiver: raw.receiver ?? parent?.receiver ?? '',
    groupBy: own ?? parent?.groupBy ?? [],
    groupByExplicit: own !== undefined,
    continue: raw.continue,
    matchers: raw.matchers,
    groupWaitMs,
    groupIntervalMs,
    repeatIntervalMs,
    muteTimeIntervals: raw.muteTimeIntervals,
    activeTimeIntervals: raw.activeTimeIntervals,
    labels: { ...parent?.labels, ...raw.labels },
    routes: [],
  };
  route.routes = raw.routes.map((child) => resolveRoute(d, child, route));
  return route;
}

/** Root-only rules and references to receivers and time intervals (upstream Config.UnmarshalYAML). */
export function checkRouteTree(d: AmDecoder, root: RawRoute, receivers: Set<string>, intervals: Set<string>): void {
  if (!root.receiver) d.error(root.node, 'root route must specify a default receiver');
  if (root.matchers.length > 0) {
    d.fail(root.matchersField, 'root route must not have any matchers', root.node);
  }
  if (root.muteTimeIntervals.length > 0)
    d.fail(root.muteField, 'root route must not have any mute time intervals', root.node);
  if (root.activeTimeIntervals.length > 0) {
    d.fail(root.activeField, 'root route must not have any active time intervals', root.node);
  }
  if (root.continue) d.fail(root.continueField, 'cannot have continue in root route', root.node);
  const walk = (r: RawRoute) => {
    if (r.receiver && !receivers.has(r.receiver)) {
      d.fail(r.receiverField, `undefined receiver ${JSON.stringify(r.receiver)} used in route`, r.node);
    }
    for (const [names, field] of [
      [r.muteTimeIntervals, r.muteField],
      [r.activeTimeIntervals, r.activeField],
    ] as const) {
      for (const name of names) {
        if (!intervals.has(name))
          d.fail(field, `undefined time interval ${JSON.stringify(name)} used in route`, r.node);
      }
    }
    r.routes.forEach(walk);
  };
  walk(root);
}
