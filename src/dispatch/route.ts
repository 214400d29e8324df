/**
 * The pure route tree (SEMANTICS §5.2–5.3): which routes an alert reaches, its group labels and group key.
 * Upstream: alertmanager dispatch/route.go (Match, Key, ID) and dispatch.go (getGroupLabels, GroupKey).
 */
import type { RouteConfig } from '../config/alertmanager/types.js';
import { type Labels, labelSetString } from '../labels/labels.js';
import { matchersString, matchesAll } from '../labels/matcher.js';

export interface RouteMatch {
  route: RouteConfig;
  /** Parent key + `/` + this node's matcher string; the root is `{}`. Not unique among siblings. */
  routeKey: string;
  /** routeKey + `/` + position among its siblings (root: just `{}`); unique per node, for per-node grouping. */
  routeId: string;
}

interface AnnotatedRoute {
  route: RouteConfig;
  routeKey: string;
  routeId: string;
  children: AnnotatedRoute[];
}

// Keys depend only on the (immutable) loaded tree, so they are computed once per tree.
const annotations = new WeakMap<RouteConfig, AnnotatedRoute>();

function annotate(route: RouteConfig, parent?: AnnotatedRoute, position = -1): AnnotatedRoute {
  const own = matchersString(route.matchers);
  const routeKey = parent ? `${parent.routeKey}/${own}` : own;
  const node: AnnotatedRoute = {
    route,
    routeKey,
    routeId: position >= 0 ? `${routeKey}/${position}` : routeKey,
    children: [],
  };
  node.children = route.routes.map((child, i) => annotate(child, node, i));
  return node;
}

function annotated(root: RouteConfig): AnnotatedRoute {
  let a = annotations.get(root);
  if (!a) {
    a = annotate(root);
    annotations.set(root, a);
  }
  return a;
}

function match(node: AnnotatedRoute, labels: Labels): RouteMatch[] {
  if (!matchesAll(node.route.matchers, labels)) return [];
  const out: RouteMatch[] = [];
  for (const child of node.children) {
    const matches = match(child, labels);
    out.push(...matches);
    if (matches.length > 0 && !child.route.continue) break;
  }
  if (out.length === 0) out.push({ route: node.route, routeKey: node.routeKey, routeId: node.routeId });
  return out;
}

/** Every route the labels reach, in tree order, honouring `continue`. The root always matches. */
export function matchRoutes(root: RouteConfig, labels: Labels): RouteMatch[] {
  return match(annotated(root), labels);
}

/** Every node of the tree with its key and id, depth first (for the API and amtool's `config routes`). */
export function allRoutes(root: RouteConfig): RouteMatch[] {
  const out: RouteMatch[] = [];
  const walk = (n: AnnotatedRoute) => {
    out.push({ route: n.route, routeKey: n.routeKey, routeId: n.routeId });
    n.children.forEach(walk);
  };
  walk(annotated(root));
  return out;
}

/** The alert's labels restricted to the route's group_by (all of them for `...`); missing names stay absent. */
export function groupLabels(route: RouteConfig, labels: Labels): Labels {
  if (route.groupBy === 'all') return { ...labels };
  const out: Labels = {};
  for (const name of route.groupBy) {
    const v = labels[name];
    if (v !== undefined && v !== '') out[name] = v;
  }
  return out;
}

/** `routeKey:{a="1", b="2"}`, e.g. `{}/{team="frontend"}:{alertname="HighLatency", cluster="eu1"}`. */
export function groupKey(routeKey: string, groupLabelSet: Labels): string {
  return `${routeKey}:${labelSetString(groupLabelSet)}`;
}
