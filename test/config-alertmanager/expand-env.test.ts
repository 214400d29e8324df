import { describe, expect, it } from 'vitest';
import { parseAlertmanagerConfig } from '../../src/config/alertmanager/index.js';
import { formatProblem } from '../../src/config/errors.js';
import { expandEnv } from '../../src/config/expand-env.js';

describe('${VAR} expansion', () => {
  const env = { TOKEN: 'xoxb-1', EMPTY: '', HOST: 'smtp.example.org:587' };

  it('expands set variables, applies defaults to unset or empty ones, and keeps escaped references', () => {
    expect(expandEnv('${TOKEN}', env)).toEqual({ text: 'xoxb-1', missing: [] });
    expect(expandEnv('a ${HOST} b ${TOKEN}', env).text).toBe('a smtp.example.org:587 b xoxb-1');
    expect(expandEnv('${EMPTY:-fallback} ${NOPE:-#alerts} ${NOPE:-}', env).text).toBe('fallback #alerts ');
    expect(expandEnv('$${TOKEN} costs $5 {{ $labels.x }}', env).text).toBe('${TOKEN} costs $5 {{ $labels.x }}');
    expect(expandEnv('${NOPE} and ${ALSO_NOPE}', env)).toEqual({
      text: '${NOPE} and ${ALSO_NOPE}',
      missing: ['NOPE', 'ALSO_NOPE'],
    });
  });

  const config = `# \${IN_A_COMMENT} is never expanded
global:
  smtp_smarthost: '\${HOST}'
  smtp_from: '\${FROM:-klaxon@example.org}'
  smtp_require_tls: \${TLS:-false}
route:
  receiver: slack
receivers:
  - name: slack
    slack_configs:
      - app_token: '\${TOKEN}'
        channel: '\${CHANNEL}'
        title: '{{ .CommonLabels.alertname }} costs $\${PRICE}'
`;

  it('expands string values of alertmanager.yml when asked, and only then', () => {
    const { config: expanded, problems } = parseAlertmanagerConfig('am.yml', config, {
      expandEnv: { ...env, CHANNEL: '#ops' },
    });
    expect(problems).toEqual([]);
    expect(expanded!.global.smtpSmarthost).toBe('smtp.example.org:587');
    expect(expanded!.global.smtpFrom).toBe('klaxon@example.org');
    expect(expanded!.global.smtpRequireTls).toBe(false);
    const slack = expanded!.receivers[0]!.slackConfigs![0]!;
    expect(slack.appToken).toBe('xoxb-1');
    expect(slack.channel).toBe('#ops');
    expect(slack.title).toBe('{{ .CommonLabels.alertname }} costs ${PRICE}');

    // Without the option a reference is just text (as in Alertmanager): here, a smarthost without a port.
    const literal = parseAlertmanagerConfig('am.yml', config);
    expect(literal.problems.map(formatProblem)).toContain('am.yml:3:19: address ${HOST}: missing port in address');
  });

  it('reports every unset variable at its value, and yields no config', () => {
    const { config: none, problems } = parseAlertmanagerConfig('am.yml', config, { expandEnv: {} });
    expect(none).toBeUndefined();
    const errors = problems.filter((p) => p.severity === 'error').map(formatProblem);
    expect(errors.filter((e) => e.includes('environment variable'))).toEqual([
      expect.stringMatching(/^am\.yml:3:19: environment variable HOST is not set/),
      expect.stringMatching(/^am\.yml:11:20: environment variable TOKEN is not set/),
      expect.stringMatching(/^am\.yml:12:18: environment variable CHANNEL is not set/),
    ]);
  });
});
