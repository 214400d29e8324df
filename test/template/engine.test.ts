/** Engine behaviour beyond the corpus: RE2 regexps, async query, caching, defaults, error texts. */
import { describe, expect, it } from 'vitest';
import {
  checkRuleTemplate,
  expandRuleTemplate,
  NotificationTemplates,
  TemplateError,
} from '../../src/template/index.js';
import { matchString, replaceAllString } from '../../src/template/regex.js';
import { TemplateSet } from '../../src/template/template-set.js';
import { titleCase } from '../../src/template/textfuncs.js';

const rule = { labels: { instance: 'node-1:9100', job: 'node' }, externalLabels: {}, externalURL: '', value: 42 };

describe('RE2 regexps (SEMANTICS §0.6)', () => {
  it('uses Go replacement syntax', () => {
    expect(replaceAllString('(a)(b)', '$1x$2', 'ab')).toBe('b'); // $1x is group "1x"
    const braced = '$' + '{1}x$2'; // Go's ${1}, spelt so that it is not read as a JS template placeholder
    expect(replaceAllString('(a)(b)', braced, 'ab')).toBe('axb');
    expect(replaceAllString('(?P<host>[^:]+):(\\d+)', '$host', 'web:80')).toBe('web');
    expect(replaceAllString('a', '$$', 'aa')).toBe('$$');
    expect(replaceAllString('(a)|b', '[$1]', 'ab')).toBe('[a][]');
  });
  it('skips an empty match right after a match, like Go', () => {
    expect(replaceAllString('a*', '-', 'baaac')).toBe('-b-c-');
  });
  it('accepts RE2-only syntax and rejects lookaround and backreferences', () => {
    expect(matchString('\\Afoo\\z', 'foo')).toBe(true);
    expect(matchString('(?i)FOO', 'xfoox')).toBe(true);
    expect(matchString('[[:digit:]]+', 'abc123')).toBe(true);
    expect(matchString('a.b', 'a\nb')).toBe(false);
    expect(() => matchString('a(?=b)', 'ab')).toThrow('invalid or unsupported Perl syntax');
    expect(() => matchString('(a)\\1', 'aa')).toThrow('invalid escape sequence');
  });
});

describe('title casing', () => {
  it('Prometheus keeps the rest of the word, Alertmanager lowercases it', () => {
    expect(titleCase('foo_bar baz-qux', false)).toBe('Foo_bar Baz-Qux');
    expect(titleCase('node1.example.com', false)).toBe('Node1.example.com');
    expect(titleCase('10gb', false)).toBe('10Gb');
    expect(titleCase("don't", false)).toBe("Don't");
    expect(titleCase('hELLO wORLD', true)).toBe('Hello World');
  });
});

describe('rule templates', () => {
  it('expands with the prelude variables', async () => {
    const out = await expandRuleTemplate('HighLoad', '{{ $labels.instance }} at {{ $value }}', rule, { evalTimeMs: 0 });
    expect(out).toBe('node-1:9100 at 42');
  });
  it('reports parse errors without throwing', async () => {
    expect(checkRuleTemplate('X', '{{ $lables.x }}')).toBe('template: __alert_X:1: undefined variable "$lables"');
    expect(checkRuleTemplate('X', '{{ .Labels.x }}')).toBeNull();
    const out = await expandRuleTemplate('X', '{{ if }}', rule, { evalTimeMs: 0 });
    expect(out).toBe(
      '<error expanding template: error parsing template __alert_X: template: __alert_X:1: missing value for if>',
    );
  });
  it('awaits query results and re-executes', async () => {
    const calls: string[] = [];
    const query = async (q: string) => {
      calls.push(q);
      return [{ labels: { instance: q }, value: 2 }];
    };
    const text = '{{ range $i := until }}{{ end }}';
    expect(checkRuleTemplate('Q', text)).toContain('function "until" not defined');
    const out = await expandRuleTemplate(
      'Q',
      '{{ with query "a" }}{{ (first .).Value }}{{ end }}/{{ (query (printf "b%s" $labels.job) | first).Labels.instance }}',
      rule,
      { evalTimeMs: 0, query },
    );
    expect(out).toBe('2/bnode');
    expect(calls).toEqual(['a', 'bnode']);
  });
  it('turns a failing query into a template error', async () => {
    const query = async () => {
      throw new Error('bad gateway');
    };
    const out = await expandRuleTemplate('Q', '{{ query "up" }}', rule, { evalTimeMs: 0, query });
    expect(out).toMatch(
      /^<error expanding template: error executing template __alert_Q: .*error calling query: bad gateway>$/,
    );
  });
  it('gt with an int literal against $value is an error, as in Go', async () => {
    const out = await expandRuleTemplate('G', '{{ if gt $value 80 }}hot{{ end }}', rule, { evalTimeMs: 0 });
    expect(out).toContain('incompatible types for comparison');
    expect(await expandRuleTemplate('G', '{{ if gt $value 40.0 }}hot{{ end }}', rule, { evalTimeMs: 0 })).toBe('hot');
  });
});

describe('notification templates', () => {
  const t = NotificationTemplates.fromSources([
    { name: 'mine.tmpl', text: '{{ define "my.title" }}T:{{ .Status }}{{ end }}' },
  ]);
  const data = {
    receiver: 'team\\.a',
    status: 'firing' as const,
    alerts: [
      {
        status: 'firing' as const,
        labels: { alertname: 'Down', instance: 'a' },
        annotations: { summary: 's' },
        startsAt: new Date('2024-01-01T00:00:00Z'),
        endsAt: new Date('0001-01-01T00:00:00Z'),
        generatorURL: 'http://p/graph',
        fingerprint: '0123456789abcdef',
      },
    ],
    groupLabels: { alertname: 'Down' },
    commonLabels: { alertname: 'Down', instance: 'a' },
    commonAnnotations: { summary: 's' },
    externalURL: 'http://am',
    groupKey: '{}:{alertname="Down"}',
  };
  it('has the Alertmanager default templates', () => {
    for (const n of [
      '__subject',
      '__description',
      '__text_alert_list',
      '__alertmanagerURL',
      'slack.default.title',
      'email.default.subject',
      'email.default.html',
    ])
      expect(t.has(n)).toBe(true);
  });
  it('renders defaults and user templates', () => {
    expect(t.render('{{ template "__subject" . }}', data)).toBe('[FIRING:1] Down (a)');
    expect(t.render('{{ template "__alertmanagerURL" . }}', data)).toBe('http://am/#/alerts?receiver=team%5C.a');
    expect(t.render('{{ template "my.title" . }}', data)).toBe('T:firing');
  });
  it("has Klaxon's own templates", () => {
    expect(t.render('{{ template "klaxon.slack.title" . }}', data)).toBe('[FIRING:1] Down');
    expect(t.render('{{ template "klaxon.slack.text" . }}', data)).toBe(
      '⚪ s on a\n🔕 <http://am/#/silences/new?filter=%7Balertname%3D%22Down%22%2Cinstance%3D%22a%22%7D|Silence>',
    );
    expect(t.render('{{ template "klaxon.text" . }}', data)).toContain('- Down [firing] since 2024-01-01 00:00:00 UTC');
  });
  it('throws TemplateError with Go positions on exec errors', () => {
    expect(() => t.render('{{ .Nope.X }}', data)).toThrow(TemplateError);
    expect(() => t.render('{{ .Nope }}', data)).toThrow(
      'template: :1:3: executing "" at <.Nope>: can\'t evaluate field Nope in type *template.Data',
    );
  });
  it('throws TemplateError with file and line on parse errors of user files', () => {
    expect(() => NotificationTemplates.fromSources([{ name: 'bad.tmpl', text: 'ok\n{{ if }}' }])).toThrow(
      'template: bad.tmpl:2: missing value for if',
    );
  });
  it('escapes values by context in HTML mode', () => {
    const out = t.render('<a href="{{ .ExternalURL }}/x?q={{ .Receiver }}">{{ .Receiver }}</a>', data, { html: true });
    expect(out).toBe('<a href="http://am/x?q=team%5c.a">team\\.a</a>');
    const js = t.render('<a href="{{ "javascript:alert(1)" }}">x</a>', data, { html: true });
    expect(js).toBe('<a href="#ZgotmplZ">x</a>');
    expect(t.render('<!-- note -->{{ "a+b<c" }}<p title={{ "x y" }}>', data, { html: true })).toBe(
      'a&#43;b&lt;c<p title=x&#32;y>',
    );
    expect(t.render('{{ "<i>" | html }}|{{ safeHtml "<i>" }}', data, { html: true })).toBe('&lt;i&gt;|<i>');
    expect(t.render('<title>{{ "<x>" }}</title>', data, { html: true })).toBe('<title>&lt;x&gt;</title>');
  });
});

describe('template set', () => {
  it('chains else with (Go 1.23)', () => {
    const s = new TemplateSet().parse('t', '{{ with .a }}a={{ . }}{{ else with .b }}b={{ . }}{{ else }}none{{ end }}');
    expect(s.execute('t', { b: 'B' })).toBe('b=B');
    expect(s.execute('t', {})).toBe('none');
  });
  it('ranges over an integer (Go 1.22) and supports break', () => {
    const s = new TemplateSet().parse('t', '{{ range $i := 5 }}{{ if eq $i 3 }}{{ break }}{{ end }}{{ $i }}{{ end }}');
    expect(s.execute('t', null)).toBe('012');
  });
});

describe('time zones', () => {
  const t = NotificationTemplates.fromSources([]);
  const data = {
    receiver: 'r',
    status: 'firing' as const,
    alerts: [
      {
        status: 'firing' as const,
        labels: {},
        annotations: {},
        startsAt: new Date('2024-01-04T09:05:03Z'),
        endsAt: new Date('0001-01-01T00:00:00Z'),
        generatorURL: '',
        fingerprint: '',
      },
    ],
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: '',
    groupKey: '',
  };
  it('formats zones with tzdata abbreviations like Go', () => {
    const render = (zone: string) =>
      t.render(`{{ (index .Alerts 0).StartsAt | tz "${zone}" | date "15:04 MST -0700" }}`, data);
    expect(render('Europe/Berlin')).toBe('10:05 CET +0100');
    expect(render('America/New_York')).toBe('04:05 EST -0500');
    expect(render('Asia/Tokyo')).toBe('18:05 JST +0900');
    expect(render('Australia/Sydney')).toBe('20:05 AEDT +1100');
    expect(render('America/Sao_Paulo')).toBe('06:05 -03 -0300');
  });
});
