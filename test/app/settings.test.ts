import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { envOverrides, parseKlaxonFile, resolveSettings } from '../../src/config/klaxon.js';

describe('klaxon.yml', () => {
  it('applies defaults for an empty file', () => {
    const s = resolveSettings(parseKlaxonFile('klaxon.yml', ''), {}, '/base');
    expect(s.listenAddress).toBe('127.0.0.1:9093');
    expect(s.externalURL).toBe('http://127.0.0.1:9093');
    expect(s.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(s.datasource.url).toBe('http://127.0.0.1:9090');
    expect(s.ruleFiles).toEqual(['/base/rules/*.yml', '/base/rules/*.yaml']);
    expect(s.alertmanagerConfig).toBe('/base/alertmanager.yml');
    expect(s.validationScheme).toBe('utf8');
  });

  it('lets env override the file and flags override env', () => {
    const file = parseKlaxonFile('k.yml', 'listen_address: 0.0.0.0:1\ndatasource:\n  url: http://file:9090\n');
    const env = envOverrides({ KLAXON_LISTEN_ADDRESS: '127.0.0.1:2', PROMETHEUS_URL: 'http://env:9090' });
    expect(resolveSettings(file, env, '/').listenAddress).toBe('127.0.0.1:2');
    expect(resolveSettings(file, env, '/').datasource.url).toBe('http://env:9090');
    expect(resolveSettings(file, { ...env, listenAddress: '127.0.0.1:3' }, '/').listenAddress).toBe('127.0.0.1:3');
    expect(resolveSettings(file, {}, '/').datasource.url).toBe('http://file:9090');
  });

  it('reads roles from KLAXON_ROLES and rejects unknown ones with the variable named', () => {
    expect(envOverrides({ KLAXON_ROLES: 'api, notifier' }).roles).toEqual(['api', 'notifier']);
    expect(() => envOverrides({ KLAXON_ROLES: 'api,rulr' })).toThrow(/KLAXON_ROLES.*unknown role "rulr"/);
    expect(resolveSettings({}, {}, '/x').roles).toEqual(['api', 'ruler', 'router', 'notifier']);
    expect(resolveSettings({ roles: ['ruler'] }, {}, '/x').roles).toEqual(['ruler']);
  });

  it('reads KLAXON_CONFIG_EXPAND_ENV as a boolean; off unless asked', () => {
    expect(envOverrides({ KLAXON_CONFIG_EXPAND_ENV: 'true' }).expandEnv).toBe(true);
    expect(envOverrides({ KLAXON_CONFIG_EXPAND_ENV: '0' }).expandEnv).toBe(false);
    expect(resolveSettings({}, {}, '/x').expandEnv).toBe(false);
    expect(resolveSettings({ expand_env: true }, {}, '/x').expandEnv).toBe(true);
  });

  it('reads watch_config from flag > KLAXON_CONFIG_WATCH > file; off by default', () => {
    expect(resolveSettings({}, {}, '/x').watchConfig).toBe(false);
    expect(resolveSettings(parseKlaxonFile('k.yml', 'watch_config: true\n'), {}, '/x').watchConfig).toBe(true);
    const envOff = envOverrides({ KLAXON_CONFIG_WATCH: 'false' });
    expect(envOff.watchConfig).toBe(false);
    expect(resolveSettings({ watch_config: true }, envOff, '/x').watchConfig).toBe(false);
    expect(resolveSettings({}, envOverrides({ KLAXON_CONFIG_WATCH: '1' }), '/x').watchConfig).toBe(true);
    expect(resolveSettings({ watch_config: true }, { ...envOff, watchConfig: true }, '/x').watchConfig).toBe(true);
    expect(() => parseKlaxonFile('k.yml', 'watch_config: often\n')).toThrow(/watch_config/);
  });

  it('splits KLAXON_RULE_FILES on commas', () => {
    expect(envOverrides({ KLAXON_RULE_FILES: 'a/*.yml, b.yml' }).ruleFiles).toEqual(['a/*.yml', 'b.yml']);
  });

  it('reports unknown keys and bad values with the field path and position', () => {
    const src = 'listen_address: x\nredis:\n  url: redis://h\n  colour: blue\nevaluation_interval: 1.5m\n';
    let error: unknown;
    try {
      parseKlaxonFile('klaxon.yml', src);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems.map((p) => p.message)).toEqual(
      expect.arrayContaining([expect.stringContaining('redis'), expect.stringContaining('evaluation_interval')]),
    );
    const duration = problems.find((p) => p.message.startsWith('evaluation_interval'))!;
    expect([duration.line, duration.col]).toEqual([5, 22]);
  });

  it('reports YAML syntax errors with line and column', () => {
    expect(() => parseKlaxonFile('klaxon.yml', 'redis:\n  url: [\n')).toThrow(/^klaxon\.yml:\d+:\d+: /);
  });
});
