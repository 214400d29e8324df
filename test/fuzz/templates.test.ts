/**
 * Go text/template engine: 10,000 rule templates and 10,000 notification templates from a Go template grammar
 * (actions, pipelines, control structures, define/template, comments, trim markers) with random mutations
 * that break it, parsed and executed against random data. Rule templates never throw and report failures as
 * Prometheus' `<error expanding template: ...>`; notification templates render or throw TemplateError; every
 * error names the template and a line (`template: NAME:LINE[:COL]: ...`).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkRuleTemplate,
  expandRuleTemplate,
  type NotificationData,
  NotificationTemplates,
  TemplateError,
} from '../../src/template/index.js';
import { FUZZ_TIMEOUT_MS, failOnProcessErrors, RUNS } from './support.js';

failOnProcessErrors();

const RULE_OPERANDS = [
  '.Labels.instance',
  '.Value',
  '$labels.job',
  '$labels',
  '$value',
  '$externalURL',
  '$externalLabels',
];
const NOTIFY_OPERANDS = ['.Alerts', '.Alerts.Firing', '.CommonLabels.alertname', '.GroupLabels.SortedPairs', '.Status'];
const COMMON_OPERANDS = ['.', '$', '"text"', '`raw`', "'c'", '0', '1', '2', '-1', '1.5', '1e3', 'true', 'false', 'nil'];
const GO_FUNCS = ['len', 'index', 'slice', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'and', 'or', 'not', 'print', 'printf'];
const MORE_GO_FUNCS = ['println', 'html', 'js', 'urlquery', 'call', 'nosuchfunc'];
const RULE_FUNCS = [
  ...['humanize', 'humanize1024', 'humanizeDuration', 'humanizePercentage', 'humanizeTimestamp', 'title', 'toUpper'],
  ...['toLower', 'reReplaceAll', 'match', 'label', 'value', 'first', 'sortByLabel', 'strvalue', 'safeHtml'],
  ...['stripPort', 'stripDomain', 'parseDuration', 'toTime', 'pathPrefix', 'externalURL', 'args', 'tmpl', 'query'],
];
const NOTIFY_FUNCS = [
  ...['toUpper', 'toLower', 'title', 'join', 'match', 'safeHtml', 'reReplaceAll', 'stringSlice', 'trimSpace', 'date'],
  ...['tz', 'since', 'humanizeDuration', 'toJson', 'list', 'dict', 'append', 'base64encode', 'base64decode'],
  ...['urlUnescape', 'safeUrl', 'toDate', 'now'],
];

interface Grammar {
  node: string;
}

function grammar(operands: string[], funcs: string[]): fc.Arbitrary<string> {
  const operand = fc.constantFrom(...operands, ...COMMON_OPERANDS);
  const fn = fc.oneof(
    { arbitrary: fc.constantFrom(...GO_FUNCS, ...funcs), weight: 9 },
    { arbitrary: fc.constantFrom(...MORE_GO_FUNCS), weight: 1 },
  );
  const { node } = fc.letrec<Grammar>((tie) => {
    const pipeline: fc.Arbitrary<string> = fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      operand,
      fc.tuple(fn, fc.array(operand, { maxLength: 3 })).map(([f, args]) => [f, ...args].join(' ')),
      fc.tuple(operand, fn).map(([a, f]) => `${a} | ${f}`),
      fc
        .constantFrom('"%s %d %v %q"', '"%5.2f"', '"%x"')
        .chain((fmt) => fc.array(operand, { maxLength: 2 }).map((args) => `printf ${fmt} ${args.join(' ')}`)),
      fc.constantFrom('$x := ', '$x := ', '$i, $e := ').map((decl) => `${decl}${operands[0]}`),
    );
    const body = tie('node').map(String);
    return {
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.constantFrom(
          'text ',
          '\n',
          ' ',
          '{{',
          '}}',
          '{{/* comment */}}',
          '{{- /* c */ -}}',
          '{{ end }}',
          '{{ else }}',
        ),
        pipeline.map((p) => `{{ ${p} }}`),
        pipeline.map((p) => `{{- ${p} -}}`),
        fc
          .tuple(fc.constantFrom('if', 'with', 'range'), pipeline, body, fc.option(body, { nil: undefined }))
          .map(([kw, p, b, e]) => `{{ ${kw} ${p} }}${b}${e === undefined ? '' : `{{ else }}${e}`}{{ end }}`),
        fc.tuple(pipeline, body).map(([p, b]) => `{{ range $i, $e := ${p} }}${b}{{ break }}{{ continue }}{{ end }}`),
        fc
          .tuple(body, fc.constantFrom('"t"', '"u"'))
          .map(([b, n]) => `{{ define ${n} }}${b}{{ end }}{{ template ${n} . }}`),
        fc.constantFrom('{{ template "t" }}', '{{ template "__subject" . }}', '{{ block "b" . }}x{{ end }}'),
        { arbitrary: fc.array(body, { minLength: 2, maxLength: 3 }).map((parts) => parts.join('')), weight: 3 },
      ),
    };
  });
  // Break about a third of the generated templates: delete or insert characters at random places.
  const edit = fc.tuple(fc.nat(), fc.nat(4), fc.constantFrom('', '{', '}', '(', ')', '"', '|', '$', '-', ' ', '.'));
  return fc
    .tuple(
      node,
      fc.oneof(
        { arbitrary: fc.constant([]), weight: 2 },
        { arbitrary: fc.array(edit, { minLength: 1, maxLength: 2 }), weight: 1 },
      ),
    )
    .map(([text, edits]) =>
      edits.reduce((s, [at, len, ins]) => {
        const i = at % (s.length + 1);
        return s.slice(0, i) + ins + s.slice(i + len);
      }, text),
    );
}

const labels = fc.dictionary(
  fc.constantFrom('instance', 'job', 'alertname', 'severity', 'x'),
  fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('host:9090', 'a.b.c:80', '1.5', '')),
  { maxKeys: 4 },
);
const ruleData = fc.record({
  labels,
  value: fc.oneof(fc.double(), fc.constantFrom(0, 1, -1, 1e21, Number.NaN, Number.POSITIVE_INFINITY)),
  externalLabels: fc.dictionary(fc.constantFrom('cluster', 'region'), fc.string({ maxLength: 4 }), { maxKeys: 2 }),
  externalURL: fc.constantFrom('', 'http://prom:9090', 'http://x/prefix/', 'not a url'),
});
const ruleName = fc.constantFrom('Fuzz', 'a b', 'Ünï', '"q"');

const POSITIONED = /^template: [^\n]*?:\d+(:\d+)?: \S/;

const time = fc.date({
  min: new Date('2000-01-01T00:00:00Z'),
  max: new Date('2100-01-01T00:00:00Z'),
  noInvalidDate: true,
});
const notificationData: fc.Arbitrary<NotificationData> = fc
  .record({
    alerts: fc.array(
      fc.record({
        status: fc.constantFrom('firing' as const, 'resolved' as const),
        labels,
        annotations: labels,
        startsAt: time,
        endsAt: fc.oneof(time, fc.constant(new Date('0001-01-01T00:00:00Z'))),
        generatorURL: fc.constantFrom('', 'http://prom/graph'),
        fingerprint: fc.constantFrom('0123456789abcdef', ''),
      }),
      { maxLength: 3 },
    ),
    groupLabels: labels,
    commonLabels: labels,
    commonAnnotations: labels,
    status: fc.constantFrom('firing' as const, 'resolved' as const),
  })
  .map((d) => ({ ...d, receiver: 'team', externalURL: 'http://am', groupKey: '{}:{}' }));

describe('template fuzzing', () => {
  it(
    'expands 10,000 generated rule templates without throwing',
    async () => {
      await fc.assert(
        fc.asyncProperty(ruleName, grammar(RULE_OPERANDS, RULE_FUNCS), ruleData, async (name, text, data) => {
          const parseError = checkRuleTemplate(name, text);
          if (parseError !== null) expect(parseError).toMatch(POSITIONED);
          const out = await expandRuleTemplate(name, text, data, { evalTimeMs: 1_700_000_000_000 });
          expect(typeof out).toBe('string');
          if (parseError !== null) {
            expect(out).toBe(`<error expanding template: error parsing template __alert_${name}: ${parseError}>`);
          } else if (out.startsWith('<error expanding template: ')) {
            expect(out).toMatch(/^<error expanding template: error executing template [^:]+: template: \S/);
          }
        }),
        RUNS,
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    'renders 10,000 generated notification templates or throws a positioned TemplateError',
    () => {
      const templates = NotificationTemplates.fromSources([]);
      fc.assert(
        fc.property(grammar(NOTIFY_OPERANDS, NOTIFY_FUNCS), notificationData, fc.boolean(), (text, data, html) => {
          try {
            expect(typeof templates.render(text, data, { html, now: new Date('2030-01-01T00:00:00Z') })).toBe('string');
          } catch (e) {
            if (!(e instanceof TemplateError)) throw e;
            expect(e.message).toMatch(POSITIONED);
          }
        }),
        RUNS,
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    'loads 300 generated template files or throws a positioned TemplateError',
    () => {
      // Loading re-parses the built-in templates each time, so this target runs fewer cases.
      fc.assert(
        fc.property(grammar(NOTIFY_OPERANDS, NOTIFY_FUNCS), (text) => {
          try {
            NotificationTemplates.fromSources([{ name: 'fuzz.tmpl', text }]);
          } catch (e) {
            if (!(e instanceof TemplateError)) throw e;
            expect(e.message).toMatch(/^template: fuzz\.tmpl:\d+(:\d+)?: \S/);
          }
        }),
        { numRuns: 300 },
      );
    },
    FUZZ_TIMEOUT_MS,
  );
});
