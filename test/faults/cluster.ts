import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, waitFor } from '../support/net.js';

const ROOT = resolve(import.meta.dirname, '../..');
/** CI builds first, so instances start from dist/ (fast); a checkout without a build falls back to tsx. */
const ENTRY = existsSync(join(ROOT, 'dist/cli/main.js'))
  ? ['dist/cli/main.js']
  : ['--import', 'tsx', 'src/cli/main.ts'];

export interface Instance {
  readonly index: number;
  readonly url: string;
  readonly port: number;
  process: ChildProcess;
  /** Output of every incarnation of this instance. */
  output: string;
  alive(): boolean;
  kill(signal: NodeJS.Signals): Promise<void>;
  start(): Promise<void>;
}

export interface ClusterFiles {
  'alertmanager.yml': string;
  'rules.yml'?: string;
  'klaxon.yml'?: string;
}

/** N `klaxon run` processes on free loopback ports sharing one Redis and one config directory. */
export interface Cluster {
  dir: string;
  keyPrefix: string;
  instances: Instance[];
  stop(): Promise<void>;
}

export async function startCluster(opts: {
  name: string;
  size: number;
  files: ClusterFiles;
  redisUrl?: string;
  datasourceUrl?: string;
}): Promise<Cluster> {
  const dir = await mkdtemp(join(tmpdir(), `klaxon-faults-${opts.name}-`));
  const keyPrefix = `klaxon-test-faults-${opts.name}-${process.pid}:`;
  const klaxonYml = `${opts.files['klaxon.yml'] ?? ''}\nrule_files: [rules.yml]\nalertmanager_config: alertmanager.yml\n`;
  await writeFile(join(dir, 'klaxon.yml'), klaxonYml);
  await writeFile(join(dir, 'alertmanager.yml'), opts.files['alertmanager.yml']);
  await writeFile(join(dir, 'rules.yml'), opts.files['rules.yml'] ?? 'groups: []\n');
  const redisUrl = opts.redisUrl ?? 'redis://127.0.0.1:6379';
  const instances: Instance[] = [];
  for (let i = 0; i < opts.size; i++) {
    instances.push(makeInstance(i, await freePort(), dir, keyPrefix, redisUrl, opts.datasourceUrl));
  }
  await Promise.all(instances.map((inst) => inst.start()));
  return {
    dir,
    keyPrefix,
    instances,
    async stop() {
      await Promise.all(instances.map((inst) => inst.kill('SIGTERM')));
      await deleteKeys(redisUrl, keyPrefix).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function makeInstance(
  index: number,
  port: number,
  dir: string,
  keyPrefix: string,
  redisUrl: string,
  datasourceUrl: string | undefined,
): Instance {
  const url = `http://127.0.0.1:${port}`;
  let exited = true;
  const inst: Instance = {
    index,
    url,
    port,
    process: undefined as unknown as ChildProcess,
    output: '',
    alive: () => !exited,
    async start() {
      const args = [
        ...ENTRY,
        'run',
        `--config=${join(dir, 'klaxon.yml')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        `--web.external-url=${url}`,
        `--redis-url=${redisUrl}`,
        `--key-prefix=${keyPrefix}`,
        ...(datasourceUrl ? [`--datasource-url=${datasourceUrl}`] : []),
      ];
      const child = spawn(process.execPath, args, {
        cwd: ROOT,
        env: { ...process.env, KLAXON_LOG_FORMAT: 'json', KLAXON_LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      exited = false;
      child.once('exit', () => {
        exited = true;
      });
      const append = (c: Buffer) => {
        inst.output += c.toString();
      };
      child.stdout!.on('data', append);
      child.stderr!.on('data', append);
      inst.process = child;
      let lastAnswer = 'no answer';
      await waitFor(
        async () => {
          if (exited) throw new Error(`instance ${index} exited during start-up:\n${inst.output.slice(-4000)}`);
          const res = await fetch(`${url}/-/ready`).catch(() => undefined);
          if (res) lastAnswer = `${res.status} ${await res.text()}`;
          return res?.status === 200 ? true : undefined;
        },
        { timeoutMs: 120_000, intervalMs: 100, what: `instance ${index} to become ready` },
      ).catch((err: Error) => {
        throw new Error(`${err.message} (last /-/ready: ${lastAnswer}); output:\n${inst.output.slice(-3000)}`);
      });
    },
    async kill(signal) {
      if (exited) return;
      const gone = new Promise((r) => inst.process.once('exit', r));
      inst.process.kill(signal);
      await Promise.race([gone, new Promise((r) => setTimeout(r, 30_000))]);
      if (!exited) {
        inst.process.kill('SIGKILL');
        await gone;
      }
    },
  };
  return inst;
}

export async function deleteKeys(redisUrl: string, keyPrefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  redis.on('error', () => {}); // the scenario's private Redis may already be gone: nothing left to delete
  try {
    const queuePrefix = `{${keyPrefix.replace(/:$/, '')}}`;
    for (const pattern of [`${keyPrefix}*`, `${queuePrefix}*`]) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) await redis.del(...keys);
      } while (cursor !== '0');
    }
  } finally {
    redis.disconnect();
  }
}

/** POSTs alerts to the first instance that accepts them, as a client with several Alertmanagers would. */
export async function postAlerts(
  instances: Instance[],
  alerts: Array<Record<string, unknown>>,
  start = 0,
): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const inst = instances[(start + attempt) % instances.length]!;
    const ok = await fetch(`${inst.url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(alerts),
      signal: AbortSignal.timeout(5000),
    }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('no instance accepted the alerts');
}

export interface ScenarioResult {
  scenario: string;
  expected: number;
  delivered: number;
  duplicates: number;
  lost: number;
  notes: string;
}

export function formatTable(rows: ScenarioResult[]): string {
  const header = ['scenario', 'expected', 'delivered', 'duplicates', 'lost', 'notes'];
  const cells = rows.map((r) => [r.scenario, r.expected, r.delivered, r.duplicates, r.lost, r.notes].map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => `| ${c.map((v, i) => v.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}
