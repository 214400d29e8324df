/**
 * `klaxon check rules`: promtool's output layout and exit codes (0 ok, 1 invalid, 2 usage, 3 lint-fatal).
 * Exit codes are checked on the real process (a few spawns: each starts tsx); output details in-process.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type CheckRulesOptions, checkRuleFiles } from '../../src/cli/check-rules.js';
import { checkRuleTemplate } from '../../src/template/index.js';
import { type CommandResult, runCommand } from '../support/children.js';
import { CORPUS } from './corpus.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const INVALID = path.join(CORPUS, 'invalid');
const KUBE_CONTROL_PLANE = '../kube-prometheus-plain/kubernetesControlPlane-prometheusRule.yaml';
const tmp = mkdtempSync(path.join(tmpdir(), 'klaxon-check-rules-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function klaxon(...args: string[]): Promise<CommandResult> {
  const tsx = path.join(ROOT, 'node_modules/.bin/tsx');
  return runCommand(tsx, [path.join(ROOT, 'src/cli/main.ts'), ...args], { cwd: INVALID });
}

/** Runs the command's logic in-process, with paths relative to the invalid/ corpus like the spawned runs. */
async function check(files: string[], opts: Partial<CheckRulesOptions> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await checkRuleFiles(
    files.map((f) => (path.isAbsolute(f) ? f : path.join(INVALID, f))),
    { validationScheme: 'utf8', lint: 'all', lintFatal: false, checkTemplate: checkRuleTemplate, ...opts },
    { out: (l) => out.push(l), err: (l) => err.push(l) },
  );
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

describe('klaxon check rules (process exit codes)', { timeout: 180_000 }, () => {
  it('exits 0 with promtool’s SUCCESS output', async () => {
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

  it('exits 1 with FAILED and positioned errors on stderr', async () => {
    const r = await klaxon(
      'check',
      'rules',
      '--validation-scheme',
      'legacy',
      'promql-unclosed-paren.yml',
      'label-name-with-dash.yml',
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('Checking promql-unclosed-paren.yml\n\nChecking label-name-with-dash.yml\n\n');
    expect(r.stderr).toBe(
      '  FAILED:\npromql-unclosed-paren.yml:5:15: group "example", rule 1, "HighErrorRate": ' +
        'could not parse expression: 1:39: parse error: unclosed left parenthesis\n' +
        '  FAILED:\nlabel-name-with-dash.yml:7:11: group "example", rule 1, "InstanceDown": invalid label name: team-name\n',
    );
  });

  it('duplicate rules are a lint warning: exit 0, and 3 with --lint-fatal', async () => {
    const lint = await klaxon('check', 'rules', 'lint-duplicate-rules.yml', KUBE_CONTROL_PLANE);
    expect(lint.code).toBe(0);
    expect(lint.stderr).toContain('lint error 1 duplicate rule(s) found.\nMetric: job:up:sum\nLabel(s):\n');
    expect(lint.stderr).toContain(
      'lint error 1 duplicate rule(s) found.\nMetric: code_verb:apiserver_request_total:increase1h\n',
    );
    expect((await klaxon('check', 'rules', '--lint-fatal', 'lint-duplicate-rules.yml', KUBE_CONTROL_PLANE)).code).toBe(
      3,
    );
  });

  it('exits 2 on usage errors', async () => {
    expect((await klaxon('check', 'rules')).code).toBe(2);
    expect((await klaxon('check', 'rules', '--validation-scheme', 'bogus', 'x.yml')).code).toBe(2);
  });
});

describe('checkRuleFiles (the command’s logic)', () => {
  it('prints the duplicate-rule finding like promtool (FAILED, no count); --lint none hides it', async () => {
    const lint = await check(['lint-duplicate-rules.yml']);
    expect(lint.code).toBe(0);
    expect(lint.stderr).toMatch(
      /^ {2}FAILED:\n\S+lint-duplicate-rules\.yml:\d+:\d+: lint error 1 duplicate rule\(s\) found\./,
    );
    expect(lint.stdout).not.toContain('SUCCESS');
    const none = await check(['lint-duplicate-rules.yml', KUBE_CONTROL_PLANE], { lint: 'none', lintFatal: true });
    expect(none.code).toBe(0);
    expect(none.stdout).toContain('SUCCESS: 2 rules found');
    expect(none.stdout).toContain('SUCCESS: 134 rules found');
  });

  it('honours --validation-scheme', async () => {
    expect((await check(['label-name-with-dash.yml'])).code).toBe(0);
    expect((await check(['label-name-with-dash.yml'], { validationScheme: 'legacy' })).code).toBe(1);
  });

  it('errors beat lint, and a missing file is an error', async () => {
    const missing = path.join(tmp, 'nope.yml');
    const r = await check(['lint-duplicate-rules.yml', 'rule-empty-expr.yml', missing], { lintFatal: true });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`  FAILED:\n${missing}:0:0: ENOENT`);
  });

  it('checks PrometheusRule manifests', async () => {
    const r = await check(['../kube-prometheus/nodeExporter-prometheusRule.yaml']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('SUCCESS: 41 rules found');
  });

  it('reports template errors with promtool’s text', async () => {
    const r = await check(['template-undefined-function.yml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'group "example", rule 1, "InstanceDown": annotation "description": template: __alert_InstanceDown:1: function "humanise" not defined',
    );
  });

  it('prints Klaxon’s own warnings without failing, unless lint is fatal', async () => {
    const file = path.join(tmp, 'value-label.yml');
    writeFileSync(
      file,
      'groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up == 0\n        labels:\n          v: "{{ $value }}"\n',
    );
    const r = await check([file]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`  WARNING:\n${file}:7:11: group "g", rule 1, "A": label "v" uses $value`);
    expect(r.stdout).toContain('SUCCESS: 1 rules found');
    expect((await check([file], { lintFatal: true })).code).toBe(3);
    expect((await check([file], { lint: 'duplicate-rules', lintFatal: true })).code).toBe(0);
  });
});
