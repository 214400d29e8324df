/**
 * Replays every recorded Alertmanager 0.25 scenario (/work/shared/scenarios/cases, format in its README)
 * against a Klaxon instance of its own (free port, own Redis key prefix) and compares the webhook
 * notifications and API responses with the recording. All scenarios run concurrently, in real time.
 */
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKlaxon } from '../../src/app/klaxon.js';
import { resolveSettings } from '../../src/config/klaxon.js';
import { FLUSH_QUEUE } from '../../src/dispatch/dispatcher.js';
import { NOTIFY_QUEUE } from '../../src/notify/notifier.js';
import { RULE_EVAL_QUEUE } from '../../src/rules/scheduler.js';
import { freePort } from '../support/net.js';
import { runPool } from '../support/pool.js';
import { type PreparedScenario, prepareScenario, type StartInstance, warmUp } from './run-scenario.js';
import { loadScenarios } from './scenario-files.js';

/** Scenarios that cannot pass yet, with the reason. Must be empty once the router and silences are complete. */
const PENDING: Record<string, string> = {};

const RUN_ID = randomBytes(4).toString('hex');
const prefixes: string[] = [];

const start: StartInstance = async (configPath, name) => {
  // The port is picked before listening (the external URL names it), so another process may take it first.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOn(await freePort(), configPath, name);
    } catch (err) {
      if (attempt === 3 || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    }
  }
};

async function startOn(port: number, configPath: string, name: string) {
  const keyPrefix = `klaxon-test-scenarios-${RUN_ID}-${name.slice(0, 2)}:`;
  if (!prefixes.includes(keyPrefix)) prefixes.push(keyPrefix);
  const settings = resolveSettings(
    {},
    {
      listenAddress: `127.0.0.1:${port}`,
      externalURL: `http://127.0.0.1:${port}`,
      keyPrefix,
      alertmanagerConfig: configPath,
      ruleFiles: [],
      // The recordings come from Alertmanager 0.25, which validates label names the legacy way.
      validationScheme: 'legacy',
    },
    dirname(configPath),
  );
  const instance = await startKlaxon({
    settings,
    roles: ['api', 'router', 'notifier'],
    logger: pino({ level: process.env.KLAXON_TEST_LOG ?? 'silent' }),
  });
  return { port, stop: () => instance.stop() };
}

const cases = loadScenarios();
const results = new Map<string, string[]>();

/**
 * Every scenario gets its own instance; all instances are started first, then the timelines run concurrently,
 * at most POOL at once with staggered starts: the assertions are real-time (±400 ms) and every instance shares
 * this process and the machine's CPUs.
 */
const POOL = Number(process.env.KLAXON_SCENARIO_POOL ?? 4);
const STAGGER_MS = 1500;
const SETTLE_MS = 5000;

beforeAll(async () => {
  await warmUp(start);
  const prepared = await runPool(
    cases.filter((c) => !(c.name in PENDING)),
    { limit: POOL },
    async (c): Promise<PreparedScenario> => {
      try {
        return await prepareScenario(c, start);
      } catch (err) {
        const problem = `start failed: ${(err as Error).stack ?? String(err)}`;
        return { name: c.name, run: async () => [problem] };
      }
    },
  );
  // Let the instances finish their start-up work (connections, script loads) before the clocks start.
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  await runPool(prepared, { limit: POOL, staggerMs: STAGGER_MS }, async (p) => {
    try {
      results.set(p.name, await p.run());
    } catch (err) {
      results.set(p.name, [`run failed: ${(err as Error).stack ?? String(err)}`]);
    }
  });
}, 170_000);

afterAll(async () => {
  const redis = new Redis({ host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null });
  for (const prefix of prefixes) {
    const queuePrefix = `{${prefix.replace(/[:{}]+$/g, '')}}`;
    for (const name of [FLUSH_QUEUE, NOTIFY_QUEUE, RULE_EVAL_QUEUE]) {
      const queue = new Queue(name, { connection: redis, prefix: queuePrefix });
      await queue.obliterate({ force: true });
      await queue.close();
    }
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  }
  await redis.quit();
});

describe('Alertmanager 0.25 scenarios', () => {
  it('has no pending scenarios left', () => {
    expect(PENDING).toEqual({});
  });

  it.each(cases.map((c) => c.name))('%s', (name) => {
    const problems = results.get(name);
    expect(problems, problems?.join('\n')).toEqual([]);
  });
});
