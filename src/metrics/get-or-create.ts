import type { Registry } from 'prom-client';

/**
 * The metric of that name in the registry, or a new one: components built twice on one registry (tests, a reload)
 * share their metrics instead of failing on a duplicate name.
 */
export function getOrCreate<T>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}
