import { mkdir, mkdtemp, readFile, rename, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KlaxonInstance, startKlaxon } from '../../src/app/klaxon.js';
import { resolveSettings, type SettingOverrides } from '../../src/config/klaxon.js';
import { type FakeDatasource, startFakeDatasource } from '../support/datasource.js';
import { waitFor } from '../support/net.js';
import { deleteInstanceKeys } from '../support/redis-deps.js';

const amConfig = (receiver = 'team') => `
route:
  receiver: ${receiver}
  group_by: [alertname]
receivers:
  - name: ${receiver}
templates: [templates/*.tmpl]
`;

const ruleGroup = (name: string) => `
  - name: ${name}
    interval: 1s
    rules:
      - alert: ${name}Down
        expr: up == 0
`;
const rules = (...names: string[]) => `groups:${names.map(ruleGroup).join('')}`;

async function configDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'klaxon-watch-'));
  await mkdir(join(dir, 'rules'));
  await mkdir(join(dir, 'templates'));
  await writeFile(join(dir, 'alertmanager.yml'), amConfig());
  await writeFile(join(dir, 'rules', 'app.yml'), rules('app'));
  await writeFile(join(dir, 'templates', 'slack.tmpl'), '{{ define "slack.title" }}one{{ end }}');
  return dir;
}

async function start(dir: string, datasourceUrl: string, extra: SettingOverrides, logs: string[]) {
  const settings = resolveSettings(
    { rule_files: ['rules/*.yml'], alertmanager_config: 'alertmanager.yml' },
    {
      listenAddress: '127.0.0.1:0',
      keyPrefix: `klaxon-test-watch-${process.pid}-${Math.random().toString(36).slice(2)}:`,
      datasourceUrl,
      ...extra,
    },
    dir,
  );
  const logger = pino({ level: 'debug' }, { write: (line: string) => logs.push(line) });
  const klaxon = await startKlaxon({ settings, logger });
  await klaxon.ready;
  return { klaxon, keyPrefix: settings.keyPrefix };
}

async function groupNames(klaxon: KlaxonInstance): Promise<string[]> {
  const body = (await (await fetch(`${klaxon.url}/api/v1/rules`)).json()) as { data: { groups: { name: string }[] } };
  return body.data.groups.map((g) => g.name).sort();
}

async function reloadMetrics(klaxon: KlaxonInstance): Promise<{ successful: number; timestamp: number }> {
  const text = await (await fetch(`${klaxon.url}/metrics`)).text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
  return {
    successful: value('klaxon_config_last_reload_successful'),
    timestamp: value('klaxon_config_last_reload_success_timestamp_seconds'),
  };
}

async function routingReceiver(klaxon: KlaxonInstance): Promise<string | undefined> {
  const status = (await (await fetch(`${klaxon.url}/api/v2/status`)).json()) as { config: { original: string } };
  return /receiver: (\w+)/.exec(status.config.original)?.[1];
}

/** As editors and `kubectl cp` do: write a temp file next to the target, then rename it over. */
async function writeAtomically(file: string, content: string) {
  await writeFile(`${file}.tmp`, content);
  await rename(`${file}.tmp`, file);
}

const count = (logs: string[], message: string) => logs.filter((l) => l.includes(`"msg":"${message}"`)).length;
const CHANGED = 'configuration changed on disk; reloading';
const UNCHANGED = 'configuration directory changed; files unchanged, no reload';
const RELOADED = 'configuration reloaded';
const FAILED = 'configuration reload failed; keeping the running configuration';

describe('with config watching on', () => {
  let datasource: FakeDatasource;
  let dir: string;
  let klaxon: KlaxonInstance;
  let keyPrefix: string;
  const logs: string[] = [];

  beforeAll(async () => {
    datasource = await startFakeDatasource();
    dir = await configDir();
    ({ klaxon, keyPrefix } = await start(dir, datasource.url, { watchConfig: true }, logs));
  });

  afterAll(async () => {
    await klaxon?.stop();
    await datasource?.close();
    await rm(dir, { recursive: true, force: true });
    await deleteInstanceKeys(keyPrefix);
  });

  it('logs the directories it watches', () => {
    const line = logs.find((l) => l.includes('"msg":"watching configuration directories for changes"'));
    expect(JSON.parse(line!).dirs.sort()).toEqual([dir, join(dir, 'rules'), join(dir, 'templates')]);
  });

  it('picks up a rule group added to a rule file, written in place or renamed over it', async () => {
    expect(await groupNames(klaxon)).toEqual(['app']);
    await writeFile(join(dir, 'rules', 'app.yml'), rules('app', 'added'));
    await waitFor(async () => ((await groupNames(klaxon)).includes('added') ? true : undefined), {
      what: 'the added rule group',
    });
    await writeAtomically(join(dir, 'rules', 'app.yml'), rules('app', 'added', 'renamed'));
    await waitFor(async () => ((await groupNames(klaxon)).includes('renamed') ? true : undefined), {
      what: 'the group from the renamed file',
    });
    expect(await groupNames(klaxon)).toEqual(['added', 'app', 'renamed']);
  });

  it('keeps the running configuration when the new one is invalid, and reloads once it is fixed', async () => {
    const failed = count(logs, FAILED);
    await writeFile(join(dir, 'alertmanager.yml'), 'route:\n  receiver: nobody\nreceivers: []\n');
    await waitFor(async () => ((await reloadMetrics(klaxon)).successful === 0 ? true : undefined), {
      what: 'the failed reload',
    });
    expect(await routingReceiver(klaxon)).toBe('team');
    expect(count(logs, FAILED)).toBe(failed + 1);

    await writeFile(join(dir, 'alertmanager.yml'), amConfig('other'));
    await waitFor(async () => ((await reloadMetrics(klaxon)).successful === 1 ? true : undefined), {
      what: 'the reload of the fixed file',
    });
    expect(await routingReceiver(klaxon)).toBe('other');
  });

  it('reloads when a template changes', async () => {
    const before = (await reloadMetrics(klaxon)).timestamp;
    await writeFile(join(dir, 'templates', 'slack.tmpl'), '{{ define "slack.title" }}two{{ end }}');
    await waitFor(async () => ((await reloadMetrics(klaxon)).timestamp > before ? true : undefined), {
      what: 'the reload after the template change',
    });
  });

  it('does not reload for unrelated files, swap files, identical rewrites or touches', async () => {
    const before = await reloadMetrics(klaxon);
    const reloads = count(logs, CHANGED);
    const rulesFile = join(dir, 'rules', 'app.yml');
    const changes: Array<() => Promise<unknown>> = [
      () => writeFile(join(dir, 'rules', 'README.md'), 'notes'),
      () => writeFile(join(dir, 'rules', '.app.yml.swp'), 'vim swap'),
      async () => writeFile(rulesFile, await readFile(rulesFile)),
      () => utimes(rulesFile, new Date(), new Date()),
      async () => writeAtomically(join(dir, 'alertmanager.yml'), await readFile(join(dir, 'alertmanager.yml'), 'utf8')),
    ];
    for (const change of changes) {
      const checks = count(logs, UNCHANGED);
      await change();
      await waitFor(() => (count(logs, UNCHANGED) > checks ? true : undefined), { what: 'the debounced check' });
    }
    // A reload would have logged by now; give a stray late event the debounce time and some more.
    await new Promise((r) => setTimeout(r, 1000));
    expect(count(logs, CHANGED)).toBe(reloads);
    expect(await reloadMetrics(klaxon)).toEqual(before);
  });

  it('does not reload again a change already reloaded by hand (POST /-/reload or SIGHUP)', async () => {
    const reloadsByHand: Array<[string, () => Promise<unknown>]> = [
      [
        'POST /-/reload',
        async () => expect((await fetch(`${klaxon.url}/-/reload`, { method: 'POST' })).status).toBe(200),
      ],
      ['SIGHUP', async () => expect(await klaxon.reload()).toBeNull()],
    ];
    for (const [trigger, reloadByHand] of reloadsByHand) {
      const reloads = count(logs, RELOADED);
      const watcherReloads = count(logs, CHANGED);
      const checks = count(logs, UNCHANGED);
      // The watcher's check comes 300 ms after the write; the reload by hand starts well before it.
      await writeFile(join(dir, 'rules', 'app.yml'), rules('app', trigger === 'SIGHUP' ? 'hup' : 'posted'));
      await reloadByHand();
      const checked = () => count(logs, UNCHANGED) > checks || count(logs, CHANGED) > watcherReloads;
      await waitFor(() => (checked() ? true : undefined), { what: `the watcher's check after ${trigger}` });
      await new Promise((r) => setTimeout(r, 1000));
      expect(count(logs, CHANGED), trigger).toBe(watcherReloads);
      expect(count(logs, RELOADED), trigger).toBe(reloads + 1);
    }
    expect(await groupNames(klaxon)).toEqual(['app', 'hup']);
  });

  it('still reloads a change whose reload by hand failed, and the fix', async () => {
    const watcherReloads = count(logs, CHANGED);
    const failed = count(logs, FAILED);
    await writeFile(join(dir, 'alertmanager.yml'), 'route:\n  receiver: nobody\nreceivers: []\n');
    expect((await fetch(`${klaxon.url}/-/reload`, { method: 'POST' })).status).toBe(500);
    // The failed reload by hand loaded nothing, so the watcher tries the changed file itself.
    await waitFor(() => (count(logs, CHANGED) > watcherReloads ? true : undefined), { what: "the watcher's reload" });
    await waitFor(() => (count(logs, FAILED) === failed + 2 ? true : undefined), { what: 'its failure' });

    await writeFile(join(dir, 'alertmanager.yml'), amConfig('fixed'));
    await waitFor(async () => ((await reloadMetrics(klaxon)).successful === 1 ? true : undefined), {
      what: 'the reload of the fixed file',
    });
    expect(await routingReceiver(klaxon)).toBe('fixed');
    expect(count(logs, CHANGED)).toBe(watcherReloads + 2);
  });
});

describe('with config watching off (the default for klaxon run)', () => {
  it('applies a change only on POST /-/reload', async () => {
    const datasource = await startFakeDatasource();
    const dir = await configDir();
    const logs: string[] = [];
    const { klaxon, keyPrefix } = await start(dir, datasource.url, {}, logs);
    try {
      const before = (await reloadMetrics(klaxon)).timestamp;
      await writeFile(join(dir, 'rules', 'app.yml'), rules('app', 'added'));
      // Watching would have reloaded within its 300 ms debounce.
      await new Promise((r) => setTimeout(r, 1000));
      expect(await groupNames(klaxon)).toEqual(['app']);
      expect((await reloadMetrics(klaxon)).timestamp).toBe(before);
      expect(count(logs, 'watching configuration directories for changes')).toBe(0);

      expect((await fetch(`${klaxon.url}/-/reload`, { method: 'POST' })).status).toBe(200);
      expect(await groupNames(klaxon)).toEqual(['added', 'app']);
    } finally {
      await klaxon.stop();
      await datasource.close();
      await rm(dir, { recursive: true, force: true });
      await deleteInstanceKeys(keyPrefix);
    }
  });
});
