/** Every case of the Go oracle corpus must match byte-for-byte (output, or partial output and error). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TemplateError } from '../../src/template/errors.js';
import { ExecError, type MissingKey } from '../../src/template/exec.js';
import { NotificationTemplates } from '../../src/template/notification-templates.js';
import { expandRuleTemplate } from '../../src/template/rule-templates.js';
import { TemplateSet } from '../../src/template/template-set.js';
import { CASES_FILE, type Case, decode, notificationData, ruleData } from './corpus-data.js';

const corpus = JSON.parse(readFileSync(CASES_FILE, 'utf8')) as { cases: Case[]; oracle: { default_now: string } };
const am = NotificationTemplates.fromSources([]);

function runGo(c: Case): { output: string; error: string | null } {
  const missing = (c.options ?? []).find((o) => o.startsWith('missingkey='))?.slice('missingkey='.length);
  const set = new TemplateSet({}, (missing === 'invalid' ? 'default' : (missing ?? 'default')) as MissingKey);
  try {
    set.parse('tmpl', c.template);
    for (const extra of c.extra_parse ?? []) set.parse('tmpl', extra);
  } catch (e) {
    if (e instanceof TemplateError) return { output: '', error: e.message };
    throw e;
  }
  try {
    return { output: set.execute('tmpl', decode(c.data)), error: null };
  } catch (e) {
    if (e instanceof ExecError) return { output: e.partial, error: e.message };
    throw e;
  }
}

function runAm(c: Case): { output: string; error: string | null } {
  const now = new Date(c.now ?? corpus.oracle.default_now);
  try {
    return {
      output: am.render(c.template, notificationData(c.data, now), { html: c.mode === 'alertmanager-html', now }),
      error: null,
    };
  } catch (e) {
    if (e instanceof ExecError) return { output: e.partial, error: e.message };
    if (e instanceof TemplateError) return { output: '', error: e.message };
    throw e;
  }
}

describe('template corpus (Go oracle)', () => {
  for (const c of corpus.cases) {
    it(c.name, async () => {
      if (c.mode === 'go') {
        expect(runGo(c)).toEqual({ output: c.expected.output, error: c.expected.error });
      } else if (c.mode === 'prometheus') {
        const { name, data, evalTimeMs, queries } = ruleData(c.data);
        const query = async (q: string) => {
          if (!(q in queries)) return [];
          return queries[q] as Array<{ labels: Record<string, string>; value: number }>;
        };
        const got = await expandRuleTemplate(name, c.template, data, { evalTimeMs, query });
        expect(got).toBe(c.expected.annotation);
      } else {
        expect(runAm(c)).toEqual({ output: c.expected.output, error: c.expected.error });
      }
    });
  }
});
