export { loadAlertmanagerConfig, type ParseAlertmanagerResult, parseAlertmanagerConfig } from './parse.js';
export * from './types.js';
