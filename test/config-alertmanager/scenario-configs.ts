import { readFileSync } from 'node:fs';
import { substitutePlaceholders } from '../scenarios/scenario-files.js';

/** A fixed instant (Wednesday 2026-11-25, 10:00 UTC), so the placeholder values never depend on the clock. */
const FIXED_NOW = new Date('2026-11-25T10:00:00Z');

/** A scenario's alertmanager.yml with its placeholders filled in for FIXED_NOW, webhooks pointing at `sinkPort`. */
export function readScenarioConfig(file: string, sinkPort: number): string {
  return substitutePlaceholders(readFileSync(file, 'utf8'), sinkPort, FIXED_NOW);
}
