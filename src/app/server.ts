import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type onRequestHookHandler,
} from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Component } from './component.js';

export interface ServerOptions {
  logger: Logger;
  metrics: Registry;
  /** What `/-/ready` asks besides the instance-wide reasons. */
  components: Component[];
  /** Whose HTTP routes are served (the `api` role); health, readiness, metrics and reload are always served. */
  apis: Component[];
  /** Reasons the instance as a whole is not ready (e.g. Redis down), besides the components' own. */
  notReadyReasons: () => string[];
  /** Validates and applies the configuration files again; resolves to an error text when rejected. */
  reload: () => Promise<string | null>;
  routePrefix: string;
  /** Authentication and authorisation, run before every route. */
  authenticate?: onRequestHookHandler;
}

/** Fastify with the endpoints every role serves: health, readiness, metrics and reload. */
export function buildServer(opts: ServerOptions): FastifyInstance {
  const app = Fastify({
    // Request logs are per-request noise at info level; the http child only reports warnings and errors.
    loggerInstance: opts.logger.child({ component: 'http' }, { level: 'warn' }) as FastifyBaseLogger,
    bodyLimit: 32 * 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true },
  });
  if (opts.authenticate) app.addHook('onRequest', opts.authenticate);
  const prefix = opts.routePrefix === '/' ? '' : opts.routePrefix.replace(/\/$/, '');

  app.register(
    async (scoped) => {
      const healthy = async () => 'OK';
      scoped.get('/-/healthy', healthy);
      const ready = async (_req: unknown, reply: FastifyReply) => {
        const reasons = [
          ...opts.notReadyReasons(),
          ...opts.components.map((c) => c.notReadyReason?.()).filter((r): r is string => !!r),
        ];
        if (reasons.length === 0) return 'OK';
        return reply
          .code(503)
          .type('text/plain')
          .send(`Not ready: ${reasons.join('; ')}`);
      };
      scoped.get('/-/ready', ready);
      scoped.post('/-/reload', async (_req, reply) => {
        const error = await opts.reload();
        if (error === null) return reply.code(200).send();
        return reply.code(500).type('text/plain').send(`failed to reload config: ${error}`);
      });
      scoped.get('/metrics', async (_req, reply) =>
        reply.type(opts.metrics.contentType).send(await opts.metrics.metrics()),
      );
      for (const component of opts.apis) component.routes?.(scoped);
    },
    { prefix },
  );
  return app;
}
