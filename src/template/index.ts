/**
 * Public API of the Go text/template engine (see docs/templates.md).
 * Rule templates follow Prometheus (template/template.go); notification templates follow Alertmanager.
 */
export { TemplateError } from './errors.js';
export type { NotificationAlert, NotificationData } from './notification-templates.js';
export { NotificationTemplates } from './notification-templates.js';
export type { RuleTemplateContext, RuleTemplateData } from './rule-templates.js';
export { checkRuleTemplate, expandRuleTemplate } from './rule-templates.js';
