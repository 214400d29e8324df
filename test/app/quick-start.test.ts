import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type FakeDatasource, startFakeDatasource } from '../support/datasource.js';
import { freePort, waitFor } from '../support/net.js';
import { deleteInstanceKeys } from '../support/redis-deps.js';

const ROOT = resolve(import.meta.dirname, '../..');

/**
 * The README's quick start, as a user runs it: `npm start` in the checkout on the embedded defaults
 * (rules/, alertmanager.yml, templates/, Redis on localhost), then SIGTERM. Only the listen address, the
 * key prefix and the datasource are moved off their defaults so the test shares the machine safely.
 */
describe('npm start', () => {
  let child: ChildProcess | undefined;
  let datasource: FakeDatasource | undefined;
  const keyPrefix = `klaxon-test-quickstart-${process.pid}:`;

  afterAll(async () => {
    if (child && child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
    await datasource?.close();
    await deleteInstanceKeys(keyPrefix);
  });

  it('serves /-/ready and the status page within seconds, and stops cleanly on SIGTERM', async () => {
    datasource = await startFakeDatasource();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const output: string[] = [];
    const started = Date.now();
    child = spawn('npm', ['start', '--silent'], {
      cwd: ROOT,
      detached: true, // its own process group, so cleanup reaches npm's children too
      env: {
        ...process.env,
        KLAXON_LISTEN_ADDRESS: `127.0.0.1:${port}`,
        KLAXON_KEY_PREFIX: keyPrefix,
        PROMETHEUS_URL: datasource.url,
        KLAXON_LOG_FORMAT: 'json',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));

    await waitFor(
      async () => ((await fetch(`${url}/-/ready`).catch(() => undefined))?.status === 200 ? true : undefined),
      {
        timeoutMs: 60_000,
        what: `/-/ready from npm start (output so far: ${output.join('').slice(-2000)})`,
      },
    );
    console.log(`npm start: ready after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(await (await fetch(`${url}/-/ready`)).text()).toBe('OK');
    const page = await (await fetch(`${url}/`)).text();
    for (const group of ['node.recording', 'node.alerts', 'meta']) expect(page).toContain(`<td>${group}</td>`);
    const rules = (await (await fetch(`${url}/api/v1/rules`)).json()) as { data: { groups: { name: string }[] } };
    expect(rules.data.groups.map((g) => g.name).sort()).toEqual(['meta', 'node.alerts', 'node.recording']);

    // A terminal's Ctrl-C or a supervisor's stop signals the whole group: npm dies of the signal, Klaxon
    // under it closes its workers and Redis and says so.
    const exited = new Promise<void>((done) => child!.once('exit', () => done()));
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
    await waitFor(() => (output.join('').includes('"msg":"stopped cleanly"') ? true : undefined), {
      timeoutMs: 30_000,
      what: 'the clean-stop log line',
    });
    const logs = output.join('');
    expect(logs).toContain('"msg":"Klaxon is ready"');
    expect(logs).toContain('"msg":"shutting down"');
    expect(logs).not.toContain('"level":50');
  }, 90_000);
});
