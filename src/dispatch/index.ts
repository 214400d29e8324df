export type { NflogEntry, NotificationReason, NotifyDecision } from './decide.js';
export { decideNotify } from './decide.js';
export { Dispatcher, type DispatcherOptions, type Placement } from './dispatcher.js';
export type { GroupInfo } from './groups.js';
export type { Silencer } from './pipeline.js';
