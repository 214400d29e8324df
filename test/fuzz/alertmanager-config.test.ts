/**
 * alertmanager.yml: 10,000 inputs (mutated scenario configs, configs built from random route/receiver/inhibit
 * structures, raw bytes). parseAlertmanagerConfig never throws; every problem is `file:line:col: message`;
 * a config comes back exactly when there is no error.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { parseAlertmanagerConfig } from '../../src/config/alertmanager/index.js';
import { deletion, editedSeed, expectPositioned, failOnProcessErrors, fuzzConfigFiles, insertion } from './support.js';

failOnProcessErrors();

const SCENARIOS = '/work/shared/scenarios';
const seeds = [
  ...readdirSync(path.join(SCENARIOS, 'amtool/configs')).map((f) => path.join(SCENARIOS, 'amtool/configs', f)),
  ...readdirSync(path.join(SCENARIOS, 'cases')).map((d) => path.join(SCENARIOS, 'cases', d, 'alertmanager.yml')),
].map((f) => readFileSync(f, 'utf8').replaceAll('{{SINK_PORT}}', '9'));

const TOKENS = [
  ...['-1', 'yes', '~', '[]', '{}', "'(('", '"{{"', '*anchor', '&anchor x', '<<: {}', '0s', '1x', '...', '\t', ':'],
  ...['monday:sunday', '-3:5', '24:00', '25:61', 'Mars/Olympus', 'a=~"("', '{a="b"}', 'a!~"[', '- ', '\n  ', '#'],
  ...['!!binary x', '9223372036854775807y', 'http://', 'ftp://x', '\u0000', '\uD800', '\u{1F600}', '%', '{{ .X'],
];

// Replaces the value of one `key: value` line, the commonest real-world mistake.
const valueReplacement = fc.tuple(fc.nat(), fc.constantFrom(...TOKENS)).map(([n, token]) => (text: string) => {
  const lines = text.split('\n');
  const idx = lines.flatMap((l, i) => (/:\s*\S/.test(l) ? [i] : []));
  if (idx.length === 0) return text;
  const i = idx[n % idx.length]!;
  lines[i] = lines[i]!.replace(/:\s*\S.*$/, `: ${token}`);
  return lines.join('\n');
});
const lineDuplicationOrRemoval = fc.tuple(fc.nat(), fc.boolean()).map(([n, duplicate]) => (text: string) => {
  const lines = text.split('\n');
  const i = n % lines.length;
  lines.splice(i, duplicate ? 0 : 1, ...(duplicate ? [lines[i]!] : []));
  return lines.join('\n');
});
const mutated = editedSeed(seeds, [insertion(TOKENS), deletion(40), valueReplacement, lineDuplicationOrRemoval]);

const scalar = fc.oneof(
  fc.constantFrom('team', 'default', '', '5m', '0s', '-1s', '1h', 'foo', '...', 'a="b"', 'a=~"("', '{a="b"}'),
  fc.constantFrom('http://127.0.0.1:9/hook', 'not a url', 'monday', '09:00', 'UTC', 'Local', 'Nowhere/City'),
  fc.string({ maxLength: 10 }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
);
const receiverName = fc.constantFrom('team', 'default', 'missing', '');
const route: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  route: fc.record(
    {
      receiver: fc.oneof(receiverName, scalar),
      group_by: fc.oneof(
        fc.array(fc.oneof(fc.constantFrom('alertname', '...', 'a b'), scalar), { maxLength: 3 }),
        scalar,
      ),
      group_wait: scalar,
      group_interval: scalar,
      repeat_interval: scalar,
      continue: scalar,
      matchers: fc.oneof(fc.array(scalar, { maxLength: 3 }), scalar),
      match: fc.dictionary(fc.string({ maxLength: 4 }), scalar, { maxKeys: 2 }),
      match_re: fc.dictionary(fc.string({ maxLength: 4 }), scalar, { maxKeys: 2 }),
      mute_time_intervals: fc.array(fc.oneof(fc.constant('weekends'), scalar), { maxLength: 2 }),
      routes: fc.oneof({ depthSize: 'small' }, fc.array(tie('route'), { maxLength: 2 }), scalar),
    },
    { requiredKeys: [] },
  ),
})).route;
const receiver = fc.record(
  {
    name: fc.oneof(receiverName, scalar),
    webhook_configs: fc.oneof(
      fc.array(fc.record({ url: scalar, send_resolved: scalar, max_alerts: scalar }, { requiredKeys: [] }), {
        maxLength: 2,
      }),
      scalar,
    ),
  },
  { requiredKeys: [] },
);
const timeInterval = fc.record(
  {
    name: fc.oneof(fc.constant('weekends'), scalar),
    time_intervals: fc.array(
      fc.record(
        {
          weekdays: fc.array(scalar, { maxLength: 2 }),
          times: fc.array(fc.record({ start_time: scalar, end_time: scalar }, { requiredKeys: [] }), { maxLength: 2 }),
          days_of_month: fc.array(scalar, { maxLength: 2 }),
          months: fc.array(scalar, { maxLength: 2 }),
          years: fc.array(scalar, { maxLength: 2 }),
          location: scalar,
        },
        { requiredKeys: [] },
      ),
      { maxLength: 2 },
    ),
  },
  { requiredKeys: [] },
);
const structured = fc
  .record(
    {
      global: fc.record({ resolve_timeout: scalar, smtp_from: scalar }, { requiredKeys: [] }),
      route,
      receivers: fc.array(fc.oneof(receiver, scalar), { maxLength: 3 }),
      inhibit_rules: fc.array(
        fc.record({
          source_matchers: fc.array(scalar, { maxLength: 2 }),
          target_matchers: fc.array(scalar, { maxLength: 2 }),
          equal: fc.array(scalar, { maxLength: 2 }),
        }),
        { maxLength: 2 },
      ),
      time_intervals: fc.array(timeInterval, { maxLength: 2 }),
      templates: fc.array(scalar, { maxLength: 2 }),
    },
    { requiredKeys: [] },
  )
  .map((doc) => JSON.stringify(doc));

describe('alertmanager.yml fuzzing', () => {
  fuzzConfigFiles(
    'returns a config or positioned errors for 10,000 generated files',
    mutated,
    structured,
    (source, validationScheme) => {
      const { config, problems } = parseAlertmanagerConfig('alertmanager.yml', source, { validationScheme });
      for (const p of problems) expectPositioned(p, 'alertmanager.yml');
      if (config) expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
      else expect(problems.some((p) => p.severity === 'error')).toBe(true);
    },
  );
});
