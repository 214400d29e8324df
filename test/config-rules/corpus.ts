/** Readers for the shared rule-file corpus (promtool 2.42 reference outputs); used by the corpus tests. */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const CORPUS = '/work/shared/corpus/rules';

export interface PromtoolCase {
  file: string;
  category: string;
  description: string;
  exit_code: number;
  stdout: string;
  stderr: string;
}

export function cases(folder: 'invalid' | 'edge-accepted'): PromtoolCase[] {
  return (JSON.parse(readFileSync(path.join(CORPUS, folder, 'index.json'), 'utf8')) as { cases: PromtoolCase[] }).cases;
}

export interface ResultsRow {
  corpus: string;
  file: string;
  exitCode: number;
  rulesFoundLintNone: number | undefined;
  yamlRules: number;
}

export function promtoolResults(): ResultsRow[] {
  const [, ...lines] = readFileSync(path.join(CORPUS, 'promtool-check-results.tsv'), 'utf8').trim().split('\n');
  return lines.map((line) => {
    const [corpus, file, exitCode, , lintNone, yamlRules] = line.split('\t');
    return {
      corpus: corpus!,
      file: file!,
      exitCode: Number(exitCode),
      rulesFoundLintNone: lintNone ? Number(lintNone) : undefined,
      yamlRules: Number(yamlRules),
    };
  });
}

/** promtool's first reported error: its text after the file prefix, and whatever position it gave. */
export interface PromtoolError {
  text: string;
  /** `L:C:` given by rulefmt errors. */
  pos?: { line: number; col: number };
  /** `line N` of Go yaml errors (syntax, types, unknown fields). */
  yamlLine?: number;
  /** `yaml: line N:` syntax errors, which Go's yaml.v3 reports at the line where the enclosing block starts. */
  syntax?: boolean;
}

export function firstPromtoolError(c: PromtoolCase): PromtoolError {
  const lines = c.stderr.split('\n').filter((l) => l !== '  FAILED:' && l !== '');
  const first = lines[0]!.replace(`${c.file}: `, '');
  const unmarshal = /^yaml: unmarshal errors:$/.test(first) ? /^ {2}line (\d+): (.*)$/.exec(lines[1]!) : null;
  if (unmarshal) return { text: unmarshal[2]!, yamlLine: Number(unmarshal[1]) };
  const syntax = /^yaml: line (\d+): (.*)$/.exec(first);
  if (syntax) return { text: `yaml: ${syntax[2]}`, yamlLine: Number(syntax[1]), syntax: true };
  const positioned = /^(\d+):(\d+): (?:\d+:\d+: )?(.*)$/.exec(first);
  if (positioned) {
    const [, line, col, text] = positioned;
    // promtool prints 0:0 for an absent node; Klaxon must give a real position instead.
    return Number(line) === 0 ? { text: text! } : { text: text!, pos: { line: Number(line), col: Number(col) } };
  }
  return { text: first };
}

const KINDS: Array<[string, RegExp]> = [
  ['duplicate-key', /mapping key ".*" already defined/],
  ['yaml-syntax', /^yaml: /],
  ['type', /cannot unmarshal/],
  ['unknown-field', /field \S+ not found in type/],
  ['group-name', /Groupname must not be empty|is repeated in the same file/],
  ['rule-kind', /'record' (and|or) 'alert' must be set/],
  ['expr-missing', /field 'expr' must be set in rule/],
  ['promql', /could not parse expression: \d+:\d+: parse error: /],
  ['record-name', /invalid recording rule name|braces present in the recording rule name/],
  ['recording-field', /invalid field '\w+' in recording rule/],
  ['label-name', /invalid label name: /],
  ['annotation-name', /invalid annotation name: /],
  // Prometheus 3's duration parser says `unknown unit "M" in duration "5M"` where 2.42 said `not a valid duration string`.
  ['duration', /not a valid duration string|unknown unit ".*" in duration/],
  ['template', /(label|annotation) ".*": template: /],
];

/** A coarse error class shared by promtool's and Klaxon's wording. */
export function errorKind(message: string): string {
  return KINDS.find(([, re]) => re.test(message))?.[0] ?? `other: ${message}`;
}

/** The 1-based source line of a file. */
export function sourceLine(file: string, line: number): string {
  return readFileSync(file, 'utf8').split('\n')[line - 1] ?? '';
}
