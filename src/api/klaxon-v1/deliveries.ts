import type { FastifyInstance } from 'fastify';
import type { KlaxonNotifier } from '../../notify/notifier.js';

type DeliveryApi = Pick<KlaxonNotifier, 'deliveries' | 'deadLetters' | 'retryDeadLetter'>;

function parseLimit(raw: unknown, fallback: number): number | undefined {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  return Number.isInteger(n) && n > 0 && n <= 10_000 ? n : undefined;
}

/**
 * Klaxon extras for the delivery log and dead letters (SEMANTICS §9 rows 10 and 11):
 * `GET /api/klaxon/v1/deliveries?receiver=&limit=`, `GET /api/klaxon/v1/dead-letters?limit=`,
 * `POST /api/klaxon/v1/dead-letters/:id/retry`.
 */
export function deliveriesRoutes(app: FastifyInstance, notifier: DeliveryApi): void {
  app.get<{ Querystring: { receiver?: string; limit?: string } }>('/api/klaxon/v1/deliveries', async (req, reply) => {
    const limit = parseLimit(req.query.limit, 100);
    if (limit === undefined) return reply.code(400).send({ error: 'limit must be an integer between 1 and 10000' });
    const receiver = req.query.receiver === '' ? undefined : req.query.receiver;
    const records = await notifier.deliveries(receiver, limit);
    return { deliveries: records.map(({ time, ...rest }) => ({ ...rest, time: new Date(time).toISOString() })) };
  });

  app.get<{ Querystring: { limit?: string } }>('/api/klaxon/v1/dead-letters', async (req, reply) => {
    const limit = parseLimit(req.query.limit, 100);
    if (limit === undefined) return reply.code(400).send({ error: 'limit must be an integer between 1 and 10000' });
    const letters = await notifier.deadLetters(limit);
    return {
      deadLetters: letters.map(({ finishedOn, ...rest }) => ({
        ...rest,
        failedAt: finishedOn === undefined ? null : new Date(finishedOn).toISOString(),
      })),
    };
  });

  app.post<{ Params: { id: string } }>('/api/klaxon/v1/dead-letters/:id/retry', async (req, reply) => {
    if (!(await notifier.retryDeadLetter(req.params.id))) {
      return reply.code(404).send({ error: `no dead letter with id ${req.params.id}` });
    }
    return reply.code(202).send({ retried: req.params.id });
  });
}
