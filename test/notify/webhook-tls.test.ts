import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookSettings } from '../../src/notify/config.js';
import { createWebhookIntegration } from '../../src/notify/webhook/webhook.js';
import { NotificationTemplates } from '../../src/template/index.js';
import { request, type TestDeps, testDeps } from './helpers.js';

/** Webhooks to an HTTPS endpoint with a private CA: tls_config ca_file, insecure_skip_verify, and the failure without either. */
describe('webhook over HTTPS with tls_config', () => {
  let deps: TestDeps;
  let server: Server;
  let dir: string;
  let url: string;
  const bodies: string[] = [];

  beforeAll(async () => {
    deps = await testDeps('notify-tls');
    dir = mkdtempSync(join(tmpdir(), 'klaxon-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    server = createServer(
      { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
      (req, res) => {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => {
          bodies.push(body);
          res.end('ok');
        });
      },
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `https://localhost:${(server.address() as AddressInfo).port}/hook`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
    await deps.cleanup();
  });

  const send = (cfg: Partial<WebhookSettings>) => {
    const ctx = { templates: NotificationTemplates.load([]), ...deps };
    const integration = createWebhookIntegration({ sendResolved: true, url, ...cfg }, 0, ctx);
    return integration.send(request({ receiver: 'tls', integration: 'webhook' }), new AbortController().signal);
  };

  it('verifies the server against ca_file', async () => {
    expect(await send({ httpConfig: { tlsConfig: { caFile: join(dir, 'cert.pem') } } })).toEqual({ kind: 'delivered' });
    expect(JSON.parse(bodies.at(-1)!).receiver).toBe('tls');
  });

  it('accepts any certificate with insecure_skip_verify', async () => {
    expect(await send({ httpConfig: { tlsConfig: { insecureSkipVerify: true } } })).toEqual({ kind: 'delivered' });
  });

  it('retries when the certificate is not trusted', async () => {
    const result = await send({});
    expect(result.kind).toBe('retry');
    expect((result as { reason: string }).reason).toMatch(/certificate/);
  });
});
