/** loadRuleFiles: Go filepath.Glob expansion, unreadable files, and the example rules shipped in rules/. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expandGlob, loadRuleFiles } from '../../src/config/rules/load.js';
import { DEFAULT_RULE_LOAD_OPTIONS } from '../../src/config/rules/types.js';
import { checkRuleTemplate } from '../../src/template/index.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const tmp = mkdtempSync(path.join(tmpdir(), 'klaxon-load-rules-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const RULE = 'groups:\n  - name: g\n    rules:\n      - record: a:b\n        expr: up\n';

describe('loadRuleFiles', () => {
  it('expands globs like filepath.Glob (sorted, one segment per *, no **)', async () => {
    mkdirSync(path.join(tmp, 'x', 'deep'), { recursive: true });
    for (const f of ['b.yml', 'a.yml', 'c.yaml', 'x/d.yml', 'x/deep/e.yml']) writeFileSync(path.join(tmp, f), RULE);
    expect(await expandGlob(path.join(tmp, '*.yml'))).toEqual([path.join(tmp, 'a.yml'), path.join(tmp, 'b.yml')]);
    expect(await expandGlob(path.join(tmp, '*', '*.yml'))).toEqual([path.join(tmp, 'x', 'd.yml')]);
    expect(await expandGlob(path.join(tmp, '[ab].y?l'))).toEqual([path.join(tmp, 'a.yml'), path.join(tmp, 'b.yml')]);
    expect(await expandGlob(path.join(tmp, 'missing.yml'))).toEqual([]);
    expect(await expandGlob(path.join(tmp, 'c.yaml'))).toEqual([path.join(tmp, 'c.yaml')]);
  });

  it('loads each matched file once and keeps groups per file', async () => {
    const { groups, problems } = await loadRuleFiles(
      [path.join(tmp, '*.yml'), path.join(tmp, 'a.yml')],
      DEFAULT_RULE_LOAD_OPTIONS,
    );
    expect(problems).toEqual([]);
    expect(groups.map((g) => path.basename(g.file))).toEqual(['a.yml', 'b.yml']);
  });

  it('reports a bad pattern and an unreadable file as problems', async () => {
    const { problems } = await loadRuleFiles([path.join(tmp, '[a'), path.join(tmp, 'x')], DEFAULT_RULE_LOAD_OPTIONS);
    expect(problems.map((p) => [p.severity, p.message.split(':')[0]])).toEqual([
      ['error', 'syntax error in pattern'],
      ['error', 'EISDIR'],
    ]);
  });

  it('the example rules in rules/ load without errors or warnings', async () => {
    const { groups, problems } = await loadRuleFiles([path.join(ROOT, 'rules', '*.yml')], {
      ...DEFAULT_RULE_LOAD_OPTIONS,
      validationScheme: 'legacy',
      checkTemplate: checkRuleTemplate,
    });
    expect(problems).toEqual([]);
    const names = groups.flatMap((g) => g.rules.map((r) => r.name));
    for (const alert of ['InstanceDown', 'HighCPU', 'DiskFilling', 'MemoryPressure', 'Watchdog']) {
      expect(names).toContain(alert);
    }
    for (const rule of groups.flatMap((g) => g.rules).filter((r) => r.kind === 'alerting')) {
      expect(Object.keys(rule.annotations).sort()).toEqual(['description', 'runbook_url', 'summary']);
    }
  });
});
