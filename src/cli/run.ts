import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, resolve } from 'node:path';
import { Command, Option } from 'commander';
import pino, { type Logger } from 'pino';
import { startKlaxon } from '../app/klaxon.js';
import { ConfigError } from '../config/errors.js';
import {
  envOverrides,
  loadKlaxonFile,
  ROLES,
  type Role,
  resolveSettings,
  type SettingOverrides,
} from '../config/klaxon.js';

interface RunFlags {
  config?: string;
  'config.file'?: string;
  'web.listenAddress'?: string;
  'web.externalUrl'?: string;
  'web.routePrefix'?: string;
  rules?: string[];
  datasourceUrl?: string;
  redisUrl?: string;
  keyPrefix?: string;
  role?: Role[];
  validationScheme?: 'utf8' | 'legacy';
  'config.expandEnv'?: boolean;
  'config.watch'?: boolean;
}

/** `klaxon run`: the server. Accepts Alertmanager's own flags so it can replace the binary as is. */
export function runCommand(): Command {
  return addServerOptions(new Command('run'))
    .description('run Klaxon: API, rule evaluation, routing and notification (all roles by default)')
    .action(async (flags: RunFlags, cmd: Command) => {
      await serve(flags, cmd, { dev: false });
    });
}

/** `klaxon dev` (what `npm start` runs): `run` that starts a private Redis when none answers. */
export function devCommand(): Command {
  return addServerOptions(new Command('dev'))
    .description('run Klaxon for local development; starts a private redis-server under .klaxon/ if none answers')
    .action(async (flags: RunFlags, cmd: Command) => {
      await serve(flags, cmd, { dev: true });
    });
}

function addServerOptions(cmd: Command): Command {
  return (
    cmd
      .option('--config <file>', 'klaxon.yml (default: ./klaxon.yml if present)')
      .option('--config.file <file>', 'alertmanager.yml routing configuration (default: ./alertmanager.yml)')
      .option('--config.expand-env', 'expand ${VAR} and ${VAR:-default} in alertmanager.yml values (on in dev)')
      .option('--config.watch', 'reload when alertmanager.yml, a rule file or a template changes (on in dev)')
      .option('--no-config.watch', 'do not watch the configuration files (dev mode watches by default)')
      .option('--web.listen-address <host:port>', 'listen address (default 127.0.0.1:9093)')
      .option('--web.external-url <url>', 'URL under which Klaxon is reachable from outside')
      .option('--web.route-prefix <path>', 'prefix for all HTTP routes')
      .option('--rules <glob...>', 'rule file globs (default rules/*.yml rules/*.yaml)')
      .option(
        '--datasource-url <url>',
        'Prometheus-compatible query API (default $PROMETHEUS_URL or http://127.0.0.1:9090)',
      )
      .option('--redis-url <url>', 'Redis URL (default redis://127.0.0.1:6379)')
      .option('--key-prefix <prefix>', 'prefix of every Redis key (default klaxon:)')
      .addOption(new Option('--role <role...>', 'run only some roles (default: all; env KLAXON_ROLES)').choices(ROLES))
      .addOption(new Option('--validation-scheme <scheme>', 'label/metric name rules').choices(['utf8', 'legacy']))
      // Alertmanager flags that Klaxon accepts for drop-in use; state lives in Redis instead.
      .option('--storage.path <dir>', 'accepted for Alertmanager compatibility; state lives in Redis')
      .option('--data.retention <duration>', 'accepted for Alertmanager compatibility')
      .allowUnknownOption(true)
  );
}

async function serve(flags: RunFlags, cmd: Command, mode: { dev: boolean }): Promise<void> {
  const logger = makeLogger();
  const ignored = cmd.args.filter((a) => a.startsWith('--cluster.'));
  if (ignored.length > 0) {
    logger.warn({ flags: ignored }, 'cluster flags are ignored: Klaxon instances coordinate through Redis');
  }
  const unknown = cmd.args.filter((a) => a.startsWith('--') && !a.startsWith('--cluster.'));
  if (unknown.length > 0) {
    console.error(`error: unknown option '${unknown[0]}'`);
    process.exit(2);
  }
  const configPath = flags.config ?? (existsSync('klaxon.yml') ? 'klaxon.yml' : undefined);
  let settings: ReturnType<typeof resolveSettings>;
  try {
    const file = await loadKlaxonFile(configPath);
    const overrides: SettingOverrides = { ...envOverrides(process.env), ...flagOverrides(flags) };
    // Dev mode expands ${VAR} by default, so the example Slack/email receivers work from env vars alone.
    if (mode.dev && file.expand_env === undefined) overrides.expandEnv ??= true;
    // Dev mode also reloads on save; `klaxon run` reloads on SIGHUP only, as Prometheus and Alertmanager do.
    if (mode.dev && file.watch_config === undefined) overrides.watchConfig ??= true;
    settings = resolveSettings(file, overrides, configPath ? dirname(resolve(configPath)) : process.cwd());
  } catch (err) {
    console.error(err instanceof ConfigError ? err.message : String(err));
    process.exit(1);
  }
  if (mode.dev) await ensureDevRedis(settings.redisUrl, logger);

  let instance: Awaited<ReturnType<typeof startKlaxon>>;
  try {
    instance = await startKlaxon({ settings, logger });
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  process.on('SIGHUP', () => void instance.reload());
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => {
      logger.error('shutdown took longer than 25s; exiting');
      process.exit(1);
    }, 25_000);
    deadline.unref();
    instance.stop().then(
      () => {
        logger.info({ signal }, 'stopped cleanly');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

function flagOverrides(flags: RunFlags): SettingOverrides {
  const out: SettingOverrides = {};
  if (flags['config.file']) out.alertmanagerConfig = flags['config.file'];
  if (flags['web.listenAddress']) out.listenAddress = flags['web.listenAddress'];
  if (flags['web.externalUrl']) out.externalURL = flags['web.externalUrl'];
  if (flags['web.routePrefix']) out.routePrefix = flags['web.routePrefix'];
  if (flags.rules) out.ruleFiles = flags.rules;
  if (flags.datasourceUrl) out.datasourceUrl = flags.datasourceUrl;
  if (flags.redisUrl) out.redisUrl = flags.redisUrl;
  if (flags.keyPrefix) out.keyPrefix = flags.keyPrefix;
  if (flags.validationScheme) out.validationScheme = flags.validationScheme;
  if (flags.role) out.roles = flags.role;
  if (flags['config.expandEnv']) out.expandEnv = true;
  if (flags['config.watch'] !== undefined) out.watchConfig = flags['config.watch'];
  return out;
}

function makeLogger(): Logger {
  const level = process.env.KLAXON_LOG_LEVEL ?? 'info';
  if (process.stdout.isTTY && process.env.KLAXON_LOG_FORMAT !== 'json') {
    return pino({ level, transport: { target: 'pino-pretty', options: { colorize: true } } });
  }
  return pino({ level });
}

/** In dev mode only: when nothing answers on the Redis address and redis-server exists, start one. */
async function ensureDevRedis(redisUrl: string, logger: Logger): Promise<void> {
  const url = new URL(redisUrl);
  const host = url.hostname || '127.0.0.1';
  const port = Number(url.port || 6379);
  if (await answers(host, port)) return;
  if (!['127.0.0.1', 'localhost', '::1'].includes(host)) return;
  const dir = resolve('.klaxon', 'redis');
  mkdirSync(dir, { recursive: true });
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '60 1', '--daemonize', 'no'],
    {
      stdio: 'ignore',
      detached: false,
    },
  );
  const started = await new Promise<boolean>((res) => {
    child.once('error', () => res(false));
    child.once('spawn', () => res(true));
  });
  if (!started) {
    logger.warn(
      `no Redis answers at ${host}:${port} and redis-server is not installed; install it or set KLAXON_REDIS_URL`,
    );
    return;
  }
  logger.info(
    { dir },
    `no Redis answered at ${host}:${port}; started a private redis-server for development (data in .klaxon/redis)`,
  );
  process.once('exit', () => child.kill('SIGTERM'));
  for (let i = 0; i < 50 && !(await answers(host, port)); i++) await new Promise((r) => setTimeout(r, 100));
}

function answers(host: string, port: number): Promise<boolean> {
  return new Promise((res) => {
    const socket = connect({ host, port });
    socket.setTimeout(500);
    socket.once('connect', () => {
      socket.destroy();
      res(true);
    });
    socket.once('error', () => res(false));
    socket.once('timeout', () => {
      socket.destroy();
      res(false);
    });
  });
}
