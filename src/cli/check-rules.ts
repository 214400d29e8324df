/** `klaxon check rules`: promtool-compatible rule file checking (output layout and exit codes 0/1/2/3). */
import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { type ConfigProblem, formatProblem } from '../config/errors.js';
import { lintKind } from '../config/rules/lint.js';
import { parseRuleFile } from '../config/rules/parse.js';
import { DEFAULT_RULE_LOAD_OPTIONS, type RuleLoadOptions } from '../config/rules/types.js';
import { checkRuleTemplate } from '../template/index.js';

export interface CheckRulesOptions {
  validationScheme: RuleLoadOptions['validationScheme'];
  lint: 'all' | 'duplicate-rules' | 'none';
  lintFatal: boolean;
  checkTemplate?: RuleLoadOptions['checkTemplate'];
}

export interface Output {
  out: (line: string) => void;
  err: (line: string) => void;
}

export const EXIT_OK = 0;
export const EXIT_INVALID = 1;
export const EXIT_LINT = 3;

function lintEnabled(p: ConfigProblem, lint: CheckRulesOptions['lint']): boolean {
  if (lint === 'none') return false;
  return lint === 'all' || lintKind(p) === lint;
}

/** Checks each file like `promtool check rules`; returns the exit code. */
export async function checkRuleFiles(files: string[], opts: CheckRulesOptions, io: Output): Promise<number> {
  const loadOpts: RuleLoadOptions = { ...DEFAULT_RULE_LOAD_OPTIONS, validationScheme: opts.validationScheme };
  if (opts.checkTemplate) loadOpts.checkTemplate = opts.checkTemplate;
  let hasErrors = false;
  let hasLint = false;
  for (const file of files) {
    io.out(`Checking ${file}`);
    let source: string;
    try {
      source = await readFile(file, 'utf8');
    } catch (e) {
      io.err('  FAILED:');
      io.err(`${file}:0:0: ${(e as Error).message}`);
      io.out('');
      hasErrors = true;
      continue;
    }
    const { groups, problems } = parseRuleFile(file, source, loadOpts);
    const errors = problems.filter((p) => p.severity === 'error');
    const warnings = problems.filter((p) => p.severity === 'warning' && lintEnabled(p, opts.lint));
    const duplicates = warnings.filter((p) => lintKind(p) === 'duplicate-rules');
    const others = warnings.filter((p) => lintKind(p) !== 'duplicate-rules');
    if (warnings.length > 0) hasLint = true;
    if (errors.length > 0) {
      hasErrors = true;
      io.err('  FAILED:');
      for (const p of errors) io.err(formatProblem(p));
    } else if (duplicates.length > 0) {
      // promtool reports a duplicate-rules finding as FAILED (without a rule count) yet exits 0.
      io.err('  FAILED:');
      for (const p of [...duplicates, ...others]) io.err(`${p.file}:${p.line}:${p.col}: lint error ${p.message}`);
    } else {
      if (others.length > 0) {
        io.err('  WARNING:');
        for (const p of others) io.err(formatProblem(p));
      }
      io.out(`  SUCCESS: ${groups.reduce((n, g) => n + g.rules.length, 0)} rules found`);
    }
    io.out('');
  }
  if (hasErrors) return EXIT_INVALID;
  return hasLint && opts.lintFatal ? EXIT_LINT : EXIT_OK;
}

export function checkRulesCommand(): Command {
  return new Command('rules')
    .description('Check rule files (Prometheus rule files or PrometheusRule manifests) like `promtool check rules`')
    .argument('<file...>', 'rule files to check')
    .addOption(
      new Option('--validation-scheme <scheme>', 'label and metric name rules')
        .choices(['utf8', 'legacy'])
        .default('utf8'),
    )
    .addOption(
      new Option('--lint <checks>', "lint checks: 'all' (duplicate rules and Klaxon's label checks)")
        .choices(['all', 'duplicate-rules', 'none'])
        .default('all'),
    )
    .option('--lint-fatal', 'make lint findings fail with exit code 3', false)
    .action(
      async (
        files: string[],
        flags: { validationScheme: 'utf8' | 'legacy'; lint: CheckRulesOptions['lint']; lintFatal: boolean },
      ) => {
        process.exitCode = await checkRuleFiles(
          files,
          { ...flags, checkTemplate: checkRuleTemplate },
          { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) },
        );
      },
    );
}
