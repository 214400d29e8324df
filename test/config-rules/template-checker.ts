/** The template engine's rule-template parse check, when src/template provides it (it may land after this suite). */
import type { RuleLoadOptions } from '../../src/config/rules/types.js';

export async function ruleTemplateChecker(): Promise<RuleLoadOptions['checkTemplate']> {
  try {
    const mod = (await import('../../src/template/index.js')) as {
      checkRuleTemplate?: RuleLoadOptions['checkTemplate'];
    };
    return mod.checkRuleTemplate;
  } catch {
    return undefined;
  }
}
