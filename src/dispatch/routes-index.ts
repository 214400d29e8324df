import type { RouteConfig } from '../config/alertmanager/types.js';

/**
 * Stable ids for the nodes of a route tree (`0`, `0.1`, `0.1.0`: child indices from the root), so groups
 * stored in Redis can name the node they belong to (groups are per route node, SEMANTICS §5.3).
 */
export class RouteIndex {
  private readonly byId = new Map<string, RouteConfig>();
  private readonly ids = new Map<RouteConfig, string>();

  constructor(root: RouteConfig) {
    const walk = (route: RouteConfig, id: string) => {
      this.byId.set(id, route);
      this.ids.set(route, id);
      for (const [i, child] of route.routes.entries()) walk(child, `${id}.${i}`);
    };
    walk(root, '0');
  }

  id(route: RouteConfig): string {
    const id = this.ids.get(route);
    if (id === undefined) throw new Error('route is not part of the indexed tree');
    return id;
  }

  route(id: string): RouteConfig | undefined {
    return this.byId.get(id);
  }
}
