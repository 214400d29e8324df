import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { checkConfigFiles } from '../../src/cli/check-config.js';

const AMTOOL = '/work/shared/scenarios/amtool';

interface AmtoolCase {
  name: string;
  argv: string[];
  exitCode: number;
  stdout: string;
  stderr: string;
}

const cases = (
  JSON.parse(readFileSync(path.join(AMTOOL, 'cases.json'), 'utf8')) as { cases: AmtoolCase[] }
).cases.filter((c) => c.argv[1] === 'check-config');

async function run(files: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  // amtool ran inside the amtool directory with relative paths; do the same so file names print alike.
  const cwd = process.cwd();
  process.chdir(AMTOOL);
  try {
    const code = await checkConfigFiles(
      files,
      { validationScheme: 'legacy' },
      { out: (l) => out.push(l), err: (l) => err.push(l) },
    );
    return { code, out, err };
  } finally {
    process.chdir(cwd);
  }
}

describe('klaxon check config (amtool check-config parity)', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const { code, out, err } = await run(c.argv.slice(2));
    expect(code).toBe(c.exitCode);
    const amtoolLines = c.stdout.split('\n');
    // Successful files print exactly what amtool prints.
    if (c.exitCode === 0) expect(`${out.join('\n')}\n`).toBe(c.stdout);
    // Every "Checking" verdict line agrees (FAILED texts may name a newer upstream message).
    const verdicts = (lines: string[]) =>
      lines.filter((l) => l.startsWith('Checking')).map((l) => l.replace(/ {2}FAILED: .*/, '  FAILED'));
    expect(verdicts(out)).toEqual(verdicts(amtoolLines));
    expect(err.join('\n')).toBe(c.stderr.trim().replace(/^amtool:/, 'klaxon:'));
  });

  it('lists every problem with its position after the headline', async () => {
    const { out } = await run(['configs/unknown-field.yml']);
    expect(out).toEqual([
      "Checking 'configs/unknown-field.yml'  FAILED: field recievers not found in type config.plain",
      '  configs/unknown-field.yml:2:13: undefined receiver "default" used in route',
      '  configs/unknown-field.yml:4:1: field recievers not found in type config.plain',
      '',
    ]);
  });

  it('validates referenced templates when a checker is available', async () => {
    const dir = path.join(import.meta.dirname, 'fixtures');
    const file = path.join(dir, 'with-templates.yml');
    const out: string[] = [];
    const seen: string[][] = [];
    const code = await checkConfigFiles(
      [file],
      { validationScheme: 'utf8', checkTemplates: (files) => void seen.push(files) },
      { out: (l) => out.push(l), err: () => {} },
    );
    expect(code).toBe(0);
    expect(out).toContain(' - 1 templates');
    expect(out).toContain('  SUCCESS');
    expect(seen).toEqual([[path.join(dir, 'templates', 'custom.tmpl')]]);
    const failing = await checkConfigFiles(
      [file],
      {
        validationScheme: 'utf8',
        checkTemplates: () => {
          throw new Error('template: custom.tmpl:1: unexpected EOF');
        },
      },
      { out: (l) => out.push(l), err: () => {} },
    );
    expect(failing).toBe(1);
    expect(out).toContain('  FAILED: template: custom.tmpl:1: unexpected EOF');
  });

  it('runs as `klaxon check config` with exit codes 0, 1 and 2 (usage)', async () => {
    const cli = (args: string[]) =>
      promisify(execFile)('node_modules/.bin/tsx', ['src/cli/main.ts', 'check', 'config', ...args]).then(
        (r) => ({ code: 0, stdout: r.stdout }),
        (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
      );
    const [ok, invalid, usage] = await Promise.all([
      cli([path.join(AMTOOL, 'configs/good.yml')]),
      cli([path.join(AMTOOL, 'configs/no-route.yml')]),
      cli([]),
    ]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('SUCCESS');
    expect(invalid.code).toBe(1);
    expect(invalid.stdout).toContain('FAILED: no route provided in config');
    expect(usage.code).toBe(2);
  }, 60_000);
});
