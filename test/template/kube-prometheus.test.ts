/** Every annotation and label template of the kube-prometheus rules parses. */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { checkRuleTemplate } from '../../src/template/index.js';

const DIR = '/work/shared/corpus/rules/kube-prometheus-plain/';
const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml'));

interface Rule {
  alert?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

describe('kube-prometheus rule templates parse', () => {
  for (const file of files) {
    it(file, () => {
      const doc = parse(readFileSync(DIR + file, 'utf8')) as { groups: Array<{ rules: Rule[] }> };
      let count = 0;
      for (const g of doc.groups) {
        for (const r of g.rules) {
          if (!r.alert) continue;
          for (const text of [...Object.values(r.labels ?? {}), ...Object.values(r.annotations ?? {})]) {
            expect(checkRuleTemplate(r.alert, String(text)), `${r.alert}: ${text}`).toBeNull();
            count++;
          }
        }
      }
      expect(count).toBeGreaterThan(0);
    });
  }
});
