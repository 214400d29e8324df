/** Property tests: arbitrary text either parses or fails with a TemplateError; execution never crashes. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TemplateError } from '../../src/template/errors.js';
import { ExecError } from '../../src/template/exec.js';
import { TemplateSet } from '../../src/template/template-set.js';

const PIECES = [
  '{{',
  '}}',
  '{{- ',
  ' -}}',
  '{{/* c */}}',
  ' ',
  '.',
  '.a',
  '$',
  '$x',
  ':=',
  '=',
  '|',
  '(',
  ')',
  '"s"',
  '`r`',
  "'c'",
  '1',
  '-2.5',
  '0x1F',
  'if',
  'else',
  'end',
  'range',
  'with',
  'define "t"',
  'template "t"',
  'block "b" .',
  'break',
  'continue',
  'printf "%v"',
  'eq',
  'and',
  'or',
  'index',
  'len',
  'nil',
  'true',
  'text\n',
];

const templateText = fc.array(fc.constantFrom(...PIECES), { maxLength: 30 }).map((p) => p.join(''));

describe('template robustness', () => {
  it('parsing never throws anything but TemplateError', () => {
    fc.assert(
      fc.property(fc.oneof(templateText, fc.string({ maxLength: 60 })), (text) => {
        try {
          new TemplateSet().parse('t', text);
        } catch (e) {
          expect(e).toBeInstanceOf(TemplateError);
        }
      }),
      { numRuns: 3000 },
    );
  });
  it('executing a parsed template returns a string or throws ExecError', () => {
    const data = { a: 'x', l: [1n, 2n], m: { k: 'v' } };
    fc.assert(
      fc.property(templateText, (text) => {
        let set: TemplateSet;
        try {
          set = new TemplateSet().parse('t', text);
        } catch {
          return;
        }
        try {
          expect(typeof set.execute('t', data)).toBe('string');
        } catch (e) {
          expect(e).toBeInstanceOf(ExecError);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
