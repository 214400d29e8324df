import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ParsedMail, simpleParser } from 'mailparser';
import pino from 'pino';
import { SMTPServer } from 'smtp-server';
import { type KlaxonInstance, startKlaxon } from '../../src/app/klaxon.js';
import type { Role } from '../../src/config/klaxon.js';
import { resolveSettings } from '../../src/config/klaxon.js';
import { deleteKeys } from '../faults/cluster.js';
import { freePort, serve, type TestHttpServer } from '../support/net.js';

const REDIS_URL = 'redis://127.0.0.1:6379';

/** A real SMTP server (STARTTLS with smtp-server's built-in certificate) that parses every mail it accepts. */
export interface MailServer {
  port: number;
  mails: ParsedMail[];
  close(): Promise<void>;
}

export async function startMailServer(): Promise<MailServer> {
  const mails: ParsedMail[] = [];
  const smtp = new SMTPServer({
    logger: false,
    authOptional: true,
    onData(stream, _session, done) {
      simpleParser(stream).then((mail) => {
        mails.push(mail);
        done();
      }, done);
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  return {
    port: (smtp.server.address() as { port: number }).port,
    mails,
    close: () => new Promise<void>((resolve) => smtp.close(() => resolve())),
  };
}

/** A scrape target whose health the test switches: healthy serves a metric, unhealthy answers 500 (so `up` is 0). */
export interface ScrapeTarget extends TestHttpServer {
  healthy: boolean;
  scrapes: number;
}

export async function startScrapeTarget(): Promise<ScrapeTarget> {
  const state = { healthy: true, scrapes: 0 };
  const server = await serve((_req, _body, res) => {
    state.scrapes++;
    if (!state.healthy) {
      res.statusCode = 500;
      res.end('target is down\n');
      return;
    }
    res.setHeader('content-type', 'text/plain; version=0.0.4');
    res.end('# TYPE e2e_target_info gauge\ne2e_target_info 1\n');
  });
  return {
    ...server,
    get healthy() {
      return state.healthy;
    },
    set healthy(v: boolean) {
      state.healthy = v;
    },
    get scrapes() {
      return state.scrapes;
    },
  };
}

/** A Klaxon started in this process with its own Redis key prefix and config directory; stop() removes both. */
export interface TestKlaxon {
  instance: KlaxonInstance;
  url: string;
  port: number;
  dir: string;
  keyPrefix: string;
  stop(): Promise<void>;
}

export async function startTestKlaxon(opts: {
  area: string;
  files: Record<string, string>;
  ruleFiles?: string[];
  datasourceUrl?: string;
  roles?: Role[];
}): Promise<TestKlaxon> {
  const dir = await mkdtemp(join(tmpdir(), `klaxon-e2e-${opts.area}-`));
  for (const [name, content] of Object.entries(opts.files)) await writeFile(join(dir, name), content);
  const keyPrefix = `klaxon-test-e2e-${opts.area}-${randomBytes(4).toString('hex')}:`;
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const instance = await startKlaxon({
    settings: resolveSettings(
      {},
      {
        listenAddress: `127.0.0.1:${port}`,
        externalURL: url,
        keyPrefix,
        redisUrl: REDIS_URL,
        alertmanagerConfig: join(dir, 'alertmanager.yml'),
        ruleFiles: (opts.ruleFiles ?? []).map((f) => join(dir, f)),
        ...(opts.datasourceUrl ? { datasourceUrl: opts.datasourceUrl } : {}),
      },
      dir,
    ),
    ...(opts.roles ? { roles: opts.roles } : {}),
    logger: pino({ level: process.env.KLAXON_TEST_LOG_LEVEL ?? 'silent' }),
  });
  await instance.ready;
  return {
    instance,
    url,
    port,
    dir,
    keyPrefix,
    async stop() {
      await instance.stop();
      await deleteKeys(REDIS_URL, keyPrefix);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Polls an assertion until it passes; the last failure is rethrown at the deadline. */
export async function eventually(check: () => void | Promise<void>, timeoutMs: number, intervalMs = 100) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
