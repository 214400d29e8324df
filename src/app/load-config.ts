import { readFile } from 'node:fs/promises';
import { parseAlertmanagerConfig } from '../config/alertmanager/index.js';
import type { AlertmanagerConfig } from '../config/alertmanager/types.js';
import { ConfigError, type ConfigProblem } from '../config/errors.js';
import type { KlaxonSettings } from '../config/klaxon.js';
import { loadRuleFiles } from '../config/rules/index.js';
import { expandGlob } from '../config/rules/load.js';
import type { RuleGroupConfig } from '../config/rules/types.js';
import { checkRuleTemplate, NotificationTemplates } from '../template/index.js';
import { parseDuration } from '../time/duration.js';

/** Everything a reload replaces, validated as a whole before anything is applied. */
export interface LoadedConfig {
  alertmanager: AlertmanagerConfig;
  ruleGroups: RuleGroupConfig[];
  templates: NotificationTemplates;
  warnings: ConfigProblem[];
}

/** Reads and validates every configuration file; throws ConfigError listing every error found in all of them. */
export async function loadConfig(settings: KlaxonSettings): Promise<LoadedConfig> {
  const file = settings.alertmanagerConfig;
  const problems: ConfigProblem[] = [];
  let alertmanager: AlertmanagerConfig | undefined;
  try {
    const parsed = parseAlertmanagerConfig(file, await readFile(file, 'utf8'), {
      validationScheme: settings.validationScheme,
      ...(settings.expandEnv ? { expandEnv: process.env } : {}),
    });
    problems.push(...parsed.problems);
    alertmanager = parsed.config;
  } catch (err) {
    problems.push({ file, line: 0, col: 0, message: (err as Error).message, severity: 'error' });
  }
  const rules = await loadRuleFiles(settings.ruleFiles, {
    validationScheme: settings.validationScheme,
    defaultIntervalMs: parseDuration(settings.evaluationInterval),
    defaultQueryOffsetMs: 0,
    checkTemplate: checkRuleTemplate,
  });
  problems.push(...rules.problems);
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length > 0 || !alertmanager) throw new ConfigError(errors);
  let templates: NotificationTemplates;
  try {
    const files = (await Promise.all(alertmanager.templates.map(expandGlob))).flat();
    templates = NotificationTemplates.load(files);
  } catch (err) {
    throw new ConfigError([
      { file, line: 0, col: 0, message: `templates: ${(err as Error).message}`, severity: 'error' },
    ]);
  }
  return {
    alertmanager,
    ruleGroups: rules.groups,
    templates,
    warnings: problems.filter((p) => p.severity === 'warning'),
  };
}
