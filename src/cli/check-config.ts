/** `klaxon check config`: amtool check-config-compatible checking of alertmanager.yml files (exit 0 ok, 1 invalid). */
import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { parseAlertmanagerConfig } from '../config/alertmanager/index.js';
import type { ParseAlertmanagerOptions } from '../config/alertmanager/types.js';
import { type ConfigProblem, formatProblem } from '../config/errors.js';
import { expandGlob } from '../config/rules/load.js';

export interface Output {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** Parses the notification templates of a config; throws on a parse error (message shown after FAILED:). */
export type TemplateChecker = (files: string[]) => void;

export interface CheckConfigOptions {
  validationScheme: 'utf8' | 'legacy';
  checkTemplates?: TemplateChecker;
}

/** amtool 0.25 (before UTF-8 support) behaves like legacy names with the classic matcher parser. */
function parseOptions(scheme: CheckConfigOptions['validationScheme']): ParseAlertmanagerOptions {
  return scheme === 'legacy' ? { validationScheme: 'legacy', matcherMode: 'classic' } : { validationScheme: 'utf8' };
}

async function readable(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

// Go decodes the whole YAML document before validating it, so amtool's one message is a decoding error when
// there is one; the full list below stays in file order.
const DECODING_ERROR = /^(yaml: |field \S+ not found in type |cannot unmarshal |mapping key )/;

function headline(errors: ConfigProblem[]): string {
  return (errors.find((p) => DECODING_ERROR.test(p.message)) ?? errors[0])?.message ?? 'invalid configuration';
}

/** Checks each file like `amtool check-config`; returns the exit code. */
export async function checkConfigFiles(files: string[], opts: CheckConfigOptions, io: Output): Promise<number> {
  let failed = 0;
  for (const file of files) {
    const source = await readable(file);
    if (source === undefined) {
      io.err(`klaxon: error: path '${file}' does not exist`);
      return 1;
    }
    const { config, problems } = parseAlertmanagerConfig(file, source, parseOptions(opts.validationScheme));
    const errors = problems.filter((p) => p.severity === 'error');
    if (!config) {
      failed++;
      io.out(`Checking '${file}'  FAILED: ${headline(errors)}`);
      for (const p of errors) io.out(`  ${formatProblem(p)}`);
      io.out('');
      continue;
    }
    io.out(`Checking '${file}'  SUCCESS`);
    io.out('Found:');
    io.out(' - global config');
    io.out(' - route');
    io.out(` - ${config.inhibitRules.length} inhibit rules`);
    io.out(` - ${config.receivers.length} receivers`);
    io.out(` - ${config.templates.length} templates`);
    for (const p of problems.filter((p) => p.severity === 'warning')) io.out(`  WARNING: ${formatProblem(p)}`);
    if (config.templates.length > 0 && opts.checkTemplates) {
      const templateFiles = (await Promise.all(config.templates.map(expandGlob))).flat();
      try {
        opts.checkTemplates(templateFiles);
        io.out('  SUCCESS');
      } catch (e) {
        failed++;
        io.out(`  FAILED: ${(e as Error).message}`);
      }
    }
    io.out('');
  }
  if (failed > 0) {
    io.err(`klaxon: error: failed to validate ${failed} file(s)`);
    return 1;
  }
  return 0;
}

/** The notification template parser, when the template module provides it. */
async function templateChecker(): Promise<TemplateChecker | undefined> {
  try {
    const mod = (await import('../template/index.js')) as {
      NotificationTemplates?: { load(files: string[]): unknown };
    };
    const templates = mod.NotificationTemplates;
    return templates ? (files) => void templates.load(files) : undefined;
  } catch {
    return undefined;
  }
}

export function checkConfigCommand(): Command {
  return new Command('config')
    .description('Check alertmanager.yml files like `amtool check-config`')
    .argument('<file...>', 'configuration files to check')
    .addOption(
      new Option(
        '--validation-scheme <scheme>',
        "label names and matcher syntax ('legacy' = Alertmanager classic mode)",
      )
        .choices(['utf8', 'legacy'])
        .default('utf8'),
    )
    .action(async (files: string[], flags: { validationScheme: CheckConfigOptions['validationScheme'] }) => {
      const checkTemplates = await templateChecker();
      process.exitCode = await checkConfigFiles(
        files,
        { validationScheme: flags.validationScheme, ...(checkTemplates ? { checkTemplates } : {}) },
        { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) },
      );
    });
}
