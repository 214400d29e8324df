import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MONTHS, WEEKDAYS } from '../../src/time/intervals.js';

export const SCENARIO_ROOT = '/work/shared/scenarios/cases';

export interface Step {
  at: number;
  action: 'post_alerts' | 'post_silence' | 'expire_silence' | 'get' | 'request';
  alerts?: Record<string, unknown>[];
  silence?: Record<string, unknown>;
  ref?: string;
  path?: string;
  method?: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  compare?: 'exact' | 'shape' | 'status';
}

export interface Scenario {
  name: string;
  durationMs: number;
  toleranceMs?: number;
  timeDependent?: boolean;
  sink?: { responses?: Record<string, number[]> };
  steps: Step[];
}

export interface ExpectedNotification {
  atMs: number;
  atMsRuns: number[];
  path: string;
  stream: string;
  streamSeq: number;
  sinkStatus: number;
  payload: unknown;
}

export interface ExpectedResponse {
  step: number;
  status: number;
  compare: 'exact' | 'shape' | 'status';
  body: unknown;
}

export interface Expected {
  toleranceMs: number;
  durationMs: number;
  notifications: ExpectedNotification[];
  responses: ExpectedResponse[];
}

export interface ScenarioCase {
  name: string;
  dir: string;
  configTemplate: string;
  scenario: Scenario;
  expected: Expected;
}

export function loadScenarios(): ScenarioCase[] {
  return readdirSync(SCENARIO_ROOT, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const dir = join(SCENARIO_ROOT, name);
      return {
        name,
        dir,
        configTemplate: readFileSync(join(dir, 'alertmanager.yml'), 'utf8'),
        scenario: JSON.parse(readFileSync(join(dir, 'scenario.json'), 'utf8')) as Scenario,
        expected: JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Expected,
      };
    });
}

function hhmm(minutes: number): string {
  const m = Math.max(0, Math.min(24 * 60, minutes));
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** The README's placeholder table, evaluated at `now` (UTC). */
export function substitutePlaceholders(template: string, sinkPort: number, now: Date): string {
  const minutes = now.getUTCHours() * 60 + now.getUTCMinutes();
  const values: Record<string, string> = {
    SINK_PORT: String(sinkPort),
    NOW_WEEKDAY: WEEKDAYS[now.getUTCDay()]!,
    OTHER_WEEKDAY: WEEKDAYS[(now.getUTCDay() + 3) % 7]!,
    ACTIVE_START: hhmm(minutes - 60),
    ACTIVE_END: hhmm(minutes + 60),
    INACTIVE_START: now.getUTCHours() < 12 ? '20:00' : '02:00',
    INACTIVE_END: now.getUTCHours() < 12 ? '22:00' : '04:00',
    NOW_MONTH: MONTHS[now.getUTCMonth()]!,
    OTHER_MONTH: MONTHS[(now.getUTCMonth() + 6) % 12]!,
    NOW_YEAR: String(now.getUTCFullYear()),
    NOW_DAY_OF_MONTH: String(now.getUTCDate()),
  };
  return template.replace(/\{\{([A-Z_]+)\}\}/g, (all, name: string) => values[name] ?? all);
}
