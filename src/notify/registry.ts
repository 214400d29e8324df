import type { Logger } from 'pino';
import type { ZodType } from 'zod';
import type { ReceiverSettings } from './config.js';
import { createEmailIntegration } from './email/email.js';
import type { IntegrationContext } from './integration-context.js';
import { createSlackIntegration } from './slack/slack.js';
import { buildTemplateData, type TemplateRenderer } from './template-data.js';
import type { DeliveryResult, Integration, IntegrationInfo, NotificationRequest } from './types.js';
import { createWebhookIntegration } from './webhook/webhook.js';

/** What built-in integrations get besides their config. */
/** What a plugin's `create` gets: templates, the template-data builder, a logger, the clock and its index. */
export interface PluginContext {
  index: number;
  receiver: string;
  templates: TemplateRenderer;
  buildTemplateData: typeof buildTemplateData;
  logger: Logger;
  now: () => number;
}

/**
 * A receiver plugin: a module (path given in klaxon.yml) whose default export (or `plugin` export) has this
 * shape. `type` `foo` reads the `foo_configs` section of a receiver; each entry is parsed with `configSchema`.
 */
export interface IntegrationPlugin<C = unknown> {
  type: string;
  configSchema: ZodType<C>;
  create(
    config: C,
    ctx: PluginContext,
  ): {
    sendResolved: boolean;
    send(request: NotificationRequest, signal: AbortSignal): Promise<DeliveryResult>;
  };
}

export class ReceiverConfigError extends Error {}

function isPlugin(v: unknown): v is IntegrationPlugin {
  const p = v as IntegrationPlugin | undefined;
  return !!p && typeof p.type === 'string' && typeof p.create === 'function' && typeof p.configSchema === 'object';
}

/** Import plugin modules (absolute paths or package names) and check their shape. */
export async function loadPlugins(modulePaths: string[]): Promise<IntegrationPlugin[]> {
  const plugins: IntegrationPlugin[] = [];
  for (const path of modulePaths) {
    const mod = (await import(path)) as { default?: unknown; plugin?: unknown };
    const candidate = isPlugin(mod.default) ? mod.default : mod.plugin;
    if (!isPlugin(candidate)) {
      throw new ReceiverConfigError(`plugin ${path} must export { type, configSchema, create } as default or 'plugin'`);
    }
    plugins.push(candidate);
  }
  return plugins;
}

/** Integrations of every receiver, keyed by receiver name; built once per config load. */
export class IntegrationRegistry {
  private readonly byReceiver = new Map<string, Integration[]>();

  constructor(receivers: ReceiverSettings[], ctx: IntegrationContext, plugins: IntegrationPlugin[] = []) {
    const pluginsByType = new Map(plugins.map((p) => [p.type, p]));
    for (const r of receivers) {
      const list: Integration[] = [];
      for (const [i, c] of (r.webhookConfigs ?? []).entries()) list.push(createWebhookIntegration(c, i, ctx));
      for (const [i, c] of (r.slackConfigs ?? []).entries()) list.push(createSlackIntegration(c, i, ctx));
      for (const [i, c] of (r.emailConfigs ?? []).entries()) list.push(createEmailIntegration(c, i, ctx));
      for (const [section, entries] of Object.entries(r.other ?? {})) {
        const type = section.replace(/_configs$/, '');
        const plugin = pluginsByType.get(type);
        if (!plugin) throw new ReceiverConfigError(`receiver ${r.name}: no integration registered for ${section}`);
        entries.forEach((raw, index) => {
          const parsed = plugin.configSchema.safeParse(raw);
          if (!parsed.success) {
            throw new ReceiverConfigError(`receiver ${r.name}: ${section}[${index}]: ${parsed.error.message}`);
          }
          const created = plugin.create(parsed.data, {
            index,
            receiver: r.name,
            templates: ctx.templates,
            buildTemplateData,
            logger: ctx.logger,
            now: ctx.now,
          });
          list.push({ type, index, sendResolved: created.sendResolved, send: created.send.bind(created) });
        });
      }
      this.byReceiver.set(r.name, list);
    }
  }

  integrationsFor(receiver: string): IntegrationInfo[] {
    return (this.byReceiver.get(receiver) ?? []).map(({ type, index, sendResolved }) => ({
      type,
      index,
      sendResolved,
    }));
  }

  find(receiver: string, type: string, index: number): Integration | undefined {
    return this.byReceiver.get(receiver)?.find((i) => i.type === type && i.index === index);
  }
}
