export { loadRuleFiles } from './load.js';
export { parseRuleFile } from './parse.js';
export type { RuleConfig, RuleGroupConfig, RuleLoadOptions, RuleLoadResult } from './types.js';
export { DEFAULT_RULE_LOAD_OPTIONS } from './types.js';
