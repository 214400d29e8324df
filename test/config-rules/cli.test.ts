/** `klaxon check rules` as a process: promtool's output layout and exit codes (0 ok, 1 invalid, 2 usage, 3 lint). */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CORPUS } from './corpus.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const tmp = mkdtempSync(path.join(tmpdir(), 'klaxon-check-rules-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function klaxon(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), [path.join(ROOT, 'src/cli/main.ts'), ...args], {
    cwd: path.join(CORPUS, 'invalid'),
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

// Each spawn starts tsx (seconds on a loaded machine), hence few spawns and a generous timeout.
describe('klaxon check rules', { timeout: 120_000 }, () => {
  it('prints SUCCESS with the rule count and exits 0 for valid files', async () => {
    const r = await klaxon(
      'check',
      'rules',
      '../edge-accepted/edge-duration-compound.yml',
      '../edge-accepted/edge-empty-file.yml',
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'Checking ../edge-accepted/edge-duration-compound.yml\n  SUCCESS: 2 rules found\n\n' +
        'Checking ../edge-accepted/edge-empty-file.yml\n  SUCCESS: 0 rules found\n\n',
    );
    expect(r.stderr).toBe('');
  });

  it('prints FAILED and positioned errors on stderr and exits 1', async () => {
    const r = await klaxon('check', 'rules', 'promql-unclosed-paren.yml');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('Checking promql-unclosed-paren.yml\n\n');
    expect(r.stderr).toBe(
      '  FAILED:\npromql-unclosed-paren.yml:5:15: group "example", rule 1, "HighErrorRate": ' +
        'could not parse expression: 1:39: parse error: unclosed left parenthesis\n',
    );
  });

  it('reports the duplicate-rule lint as promtool does: FAILED, exit 0; --lint-fatal exits 3; --lint none is quiet', async () => {
    const lint = await klaxon('check', 'rules', 'lint-duplicate-rules.yml');
    expect(lint.code).toBe(0);
    expect(lint.stderr).toContain('lint error 1 duplicate rule(s) found.\nMetric: job:up:sum\nLabel(s):\n');
    expect(lint.stderr).toMatch(/^ {2}FAILED:\nlint-duplicate-rules\.yml:\d+:\d+: lint error/);
    expect((await klaxon('check', 'rules', '--lint-fatal', 'lint-duplicate-rules.yml')).code).toBe(3);
    const none = await klaxon('check', 'rules', '--lint', 'none', '--lint-fatal', 'lint-duplicate-rules.yml');
    expect(none.code).toBe(0);
    expect(none.stdout).toContain('SUCCESS: 2 rules found');
  });

  it('the kube-prometheus duplicate is a warning (exit 0) and fatal with --lint-fatal (exit 3)', async () => {
    const file = '../kube-prometheus-plain/kubernetesControlPlane-prometheusRule.yaml';
    expect((await klaxon('check', 'rules', file)).code).toBe(0);
    expect((await klaxon('check', 'rules', '--lint-fatal', file)).code).toBe(3);
  });

  it('honours --validation-scheme', async () => {
    expect((await klaxon('check', 'rules', 'label-name-with-dash.yml')).code).toBe(0);
    const legacy = await klaxon('check', 'rules', '--validation-scheme', 'legacy', 'label-name-with-dash.yml');
    expect(legacy.code).toBe(1);
    expect(legacy.stderr).toContain(
      'label-name-with-dash.yml:7:11: group "example", rule 1, "InstanceDown": invalid label name: team-name',
    );
  });

  it('errors beat lint, and a missing file is an error', async () => {
    const missing = path.join(tmp, 'nope.yml');
    const r = await klaxon(
      'check',
      'rules',
      '--lint-fatal',
      'lint-duplicate-rules.yml',
      'rule-empty-expr.yml',
      missing,
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`  FAILED:\n${missing}:0:0: ENOENT`);
  });

  it('checks PrometheusRule manifests', async () => {
    const r = await klaxon('check', 'rules', '../kube-prometheus/nodeExporter-prometheusRule.yaml');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('SUCCESS: 41 rules found');
  });

  it('prints Klaxon’s own warnings without failing, unless --lint-fatal', async () => {
    const file = path.join(tmp, 'value-label.yml');
    writeFileSync(
      file,
      'groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up == 0\n        labels:\n          v: "{{ $value }}"\n',
    );
    const r = await klaxon('check', 'rules', file);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`  WARNING:\n${file}:7:11: group "g", rule 1, "A": label "v" uses $value`);
    expect(r.stdout).toContain('SUCCESS: 1 rules found');
    expect((await klaxon('check', 'rules', '--lint-fatal', file)).code).toBe(3);
  });

  it('exits 2 on usage errors', async () => {
    expect((await klaxon('check', 'rules')).code).toBe(2);
    expect((await klaxon('check', 'rules', '--validation-scheme', 'bogus', 'x.yml')).code).toBe(2);
  });
});
