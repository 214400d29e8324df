import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { TemplateRenderer } from './template-data.js';

/** What the built-in integrations get from the registry. */
export interface IntegrationContext {
  templates: TemplateRenderer;
  redis: Redis;
  keyPrefix: string;
  logger: Logger;
  now: () => number;
}
