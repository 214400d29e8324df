/**
 * Alertmanager notification templates: the built-in default.tmpl and email.tmpl (templates/alertmanager/),
 * Klaxon's own (templates/klaxon/), then user files, in one set with missingkey=zero and Alertmanager's functions. Rendering parses the text as
 * template "" (cached by text) and executes it in text or HTML mode, like ExecuteTextString/ExecuteHTMLString.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kv_, makeAlert, makeAlerts, makeData, type TemplateData } from './alertmanager-data.js';
import { type AmFuncContext, alertmanagerFuncs } from './alertmanager-funcs.js';
import type { Tree } from './ast.js';
import { TemplateError } from './errors.js';
import { GoTime } from './gotime.js';
import { HtmlEscaper } from './html-escape.js';
import { TemplateSet } from './template-set.js';

export interface NotificationAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: Date;
  /** Zero time (year 1) while firing. */
  endsAt: Date;
  generatorURL: string;
  fingerprint: string;
}

export interface NotificationData {
  /** Already regex-quoted (regexp.QuoteMeta), as Alertmanager passes it. */
  receiver: string;
  status: 'firing' | 'resolved';
  alerts: NotificationAlert[];
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  groupKey: string;
  notificationReason?: string;
  /** Route labels (v0.34 `routeLabels`); values are templates unless `routeLabelsRendered`. */
  routeLabels?: Record<string, string>;
  routeLabelsRendered?: boolean;
}

export interface RenderOptions {
  html?: boolean;
  /** The current time for `now` and `since` (defaults to the wall clock). */
  now?: Date;
}

let current: AmFuncContext = {
  now: new Date(0),
  data: null,
  routeLabelsRendered: false,
  renderRouteLabel: () => '',
  routeStack: [],
};
const FUNCS = alertmanagerFuncs(() => current);

// The repository's templates/ directory, from src/template (tsx) or dist/src/template (built).
function builtinTemplateDir(): string {
  for (const rel of ['../../templates/', '../../../templates/']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(`${dir}alertmanager/default.tmpl`)) return dir;
  }
  throw new Error('built-in templates not found (templates/alertmanager)');
}

const BUILTIN_FILES = ['alertmanager/default.tmpl', 'alertmanager/email.tmpl', 'klaxon/klaxon.tmpl'];
let builtins: Array<{ name: string; text: string }> | undefined;
function builtinSources() {
  if (builtins === undefined) {
    const dir = builtinTemplateDir();
    builtins = BUILTIN_FILES.map((f) => ({ name: basename(f), text: readFileSync(dir + f, 'utf8') }));
  }
  return builtins;
}

const converted = new WeakMap<NotificationData, TemplateData>();

function toTemplateData(d: NotificationData): TemplateData {
  let td = converted.get(d);
  if (td === undefined) {
    td = makeData({
      Receiver: d.receiver,
      Status: d.status,
      Alerts: makeAlerts(
        d.alerts.map((a) =>
          makeAlert({
            Status: a.status,
            Labels: kv_(a.labels),
            Annotations: kv_(a.annotations),
            StartsAt: GoTime.fromDate(a.startsAt),
            EndsAt: GoTime.fromDate(a.endsAt),
            GeneratorURL: a.generatorURL,
            Fingerprint: a.fingerprint,
          }),
        ),
      ),
      GroupLabels: kv_(d.groupLabels),
      CommonLabels: kv_(d.commonLabels),
      CommonAnnotations: kv_(d.commonAnnotations),
      RouteLabels: kv_(d.routeLabels ?? {}),
      ExternalURL: d.externalURL,
      NotificationReason: d.notificationReason ?? '',
    });
    converted.set(d, td);
  }
  return td;
}

export class NotificationTemplates {
  private readonly parsed = new Map<string, Map<string, Tree> | TemplateError>();

  private constructor(
    private readonly textSet: TemplateSet,
    private readonly htmlSet: TemplateSet,
  ) {}

  /** Built-ins plus the given files (template names are the file base names); parse errors throw TemplateError. */
  static load(files: string[]): NotificationTemplates {
    return NotificationTemplates.fromSources(files.map((f) => ({ name: basename(f), text: readFileSync(f, 'utf8') })));
  }

  /** Built-ins plus in-memory sources, parsed in order (later definitions win). */
  static fromSources(sources: Array<{ name: string; text: string }>): NotificationTemplates {
    const text = new TemplateSet(FUNCS, 'zero');
    for (const s of [...builtinSources(), ...sources]) text.parse(s.name, s.text);
    const html = text.clone();
    html.setEscaper(() => new HtmlEscaper());
    return new NotificationTemplates(text, html);
  }

  /** Whether a template of this name is defined (e.g. `slack.default.title`). */
  has(name: string): boolean {
    return this.textSet.trees.has(name);
  }

  private parseText(text: string): Map<string, Tree> {
    let p = this.parsed.get(text);
    if (p === undefined) {
      try {
        p = this.textSet.parseDetached('', text);
      } catch (e) {
        if (!(e instanceof TemplateError)) throw e;
        p = e;
      }
      if (this.parsed.size > 5000) this.parsed.clear();
      this.parsed.set(text, p);
    }
    if (p instanceof TemplateError) throw new TemplateError(p.message);
    return p;
  }

  /** Renders `text` with the notification data; throws TemplateError (Go's message) on parse or exec errors. */
  render(text: string, data: NotificationData, opts: RenderOptions = {}): string {
    if (text === '') return '';
    const td = toTemplateData(data);
    const set = opts.html ? this.htmlSet : this.textSet;
    const saved = current;
    const ctx: AmFuncContext = {
      now: opts.now ?? new Date(),
      data: td,
      routeLabelsRendered: data.routeLabelsRendered ?? false,
      renderRouteLabel: (t: string) => (t === '' ? '' : this.textSet.executeWith(this.parseText(t), '', td)),
      routeStack: [],
    };
    current = ctx;
    try {
      return set.executeWith(this.parseText(text), '', td);
    } finally {
      current = saved;
    }
  }
}
