import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killOnExit } from './children.js';
import { freePort, waitFor } from './net.js';

export const PROMETHEUS_BIN = '/usr/bin/prometheus';
export const ALERTMANAGER_BIN = '/usr/bin/prometheus-alertmanager';
export const AMTOOL_BIN = '/usr/bin/amtool';

export interface RunningBinary {
  url: string;
  port: number;
  dir: string;
  process: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

async function startBinary(
  bin: string,
  args: (dir: string, port: number) => string[],
  files: Record<string, string>,
): Promise<RunningBinary> {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run .ci/run or apt-get install the Debian package`);
  const dir = await mkdtemp(join(tmpdir(), 'klaxon-peer-'));
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
  const port = await freePort();
  let output = '';
  const child = spawn(bin, args(dir, port), { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  killOnExit(child);
  child.stdout!.on('data', (c: Buffer) => {
    output += c.toString();
  });
  child.stderr!.on('data', (c: Buffer) => {
    output += c.toString();
  });
  const url = `http://127.0.0.1:${port}`;
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  await waitFor(
    async () => {
      if (exited) throw new Error(`${bin} exited during start-up:\n${output}`);
      const res = await fetch(`${url}/-/ready`).catch(() => undefined);
      return res?.ok ? true : undefined;
    },
    { timeoutMs: 20_000, what: `${bin} to become ready` },
  );
  return {
    url,
    port,
    dir,
    process: child,
    output: () => output,
    async stop() {
      if (!exited) {
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))]);
        if (!exited) child.kill('SIGKILL');
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A real Prometheus (Debian's 2.42) on a free loopback port, with its own temp dir. */
export function startPrometheus(config: string, files: Record<string, string> = {}): Promise<RunningBinary> {
  return startBinary(
    PROMETHEUS_BIN,
    (dir, port) => [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-lifecycle',
      '--log.level=warn',
    ],
    { 'prometheus.yml': config, ...files },
  );
}

/** A real Alertmanager (Debian's 0.25) on a free loopback port, clustering disabled. */
export function startAlertmanager(config: string): Promise<RunningBinary> {
  return startBinary(
    ALERTMANAGER_BIN,
    (dir, port) => [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    { 'alertmanager.yml': config },
  );
}
