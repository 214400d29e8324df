import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SinkArrival {
  at: number;
  path: string;
  status: number;
  body: unknown;
}

export interface ScenarioSink {
  port: number;
  arrivals: SinkArrival[];
  close(): Promise<void>;
}

/**
 * The README's webhook sink: records every request (time, path, JSON body) and answers per
 * `sink.responses` (codes in order, the last repeating), 200 otherwise. Idle keep-alive connections stay
 * open longer than any scenario.
 */
export async function startScenarioSink(responses: Record<string, number[]> = {}): Promise<ScenarioSink> {
  const arrivals: SinkArrival[] = [];
  const queues = new Map(Object.entries(responses).map(([p, codes]) => [p, [...codes]]));
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const codes = queues.get(path);
      const status = codes ? (codes.length > 1 ? codes.shift()! : codes[0]!) : 200;
      let body: unknown = Buffer.concat(chunks).toString('utf8');
      try {
        body = JSON.parse(body as string);
      } catch {
        // kept as text
      }
      arrivals.push({ at: Date.now(), path, status, body });
      res.statusCode = status;
      res.end();
    });
  });
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    arrivals,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
