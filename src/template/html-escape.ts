/**
 * Contextual auto-escaping for HTML mode (Go html/template), done while executing: literal template text drives
 * a small HTML state machine, and every printed value is escaped for the state it lands in. Supported contexts:
 * text and RCDATA (title, textarea), quoted and unquoted attribute values, URL attributes (scheme filter,
 * normalization, query escaping) — enough for e-mail bodies. HTML comments in template text are removed, as Go
 * does. Values inside <script>/<style> or in event-handler and style attributes are HTML-escaped rather than JS/CSS-escaped.
 */

import { sprint1 } from './fmt.js';
import { GoStr, HTML_TYPE, URL_TYPE } from './values.js';

const HTML_REPL: Record<string, string> = {
  '\0': '\uFFFD',
  '"': '&#34;',
  '&': '&amp;',
  "'": '&#39;',
  '+': '&#43;',
  '<': '&lt;',
  '>': '&gt;',
};
const htmlEscaper = (s: string) => s.replace(/[\0"&'+<>]/g, (c) => HTML_REPL[c]!);
const NOSPACE_EXTRA: Record<string, string> = {
  '\t': '&#9;',
  '\n': '&#10;',
  '\v': '&#11;',
  '\f': '&#12;',
  '\r': '&#13;',
  ' ': '&#32;',
  '=': '&#61;',
  '`': '&#96;',
};
const htmlNospaceEscaper = (s: string) =>
  s.replace(/[\0"&'+<>\t\n\v\f\r =`]/g, (c) => HTML_REPL[c] ?? NOSPACE_EXTRA[c]!);

const URL_ATTRS = new Set([
  'action',
  'archive',
  'background',
  'cite',
  'classid',
  'codebase',
  'data',
  'formaction',
  'href',
  'icon',
  'longdesc',
  'manifest',
  'poster',
  'profile',
  'src',
  'usemap',
  'xmlns',
]);

function urlProcess(s: string, norm: boolean): string {
  let out = '';
  for (const b of Buffer.from(s)) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-._~]/.test(c) && b < 0x80) out += c;
    else if (norm && '!#$&*+,/:;=?@[]%'.includes(c)) out += c;
    else out += `%${b.toString(16).padStart(2, '0')}`;
  }
  return out;
}

function urlFilter(s: string): string {
  const colon = s.indexOf(':');
  if (colon >= 0 && !s.slice(0, colon).includes('/')) {
    const scheme = s.slice(0, colon).toLowerCase();
    if (scheme !== 'http' && scheme !== 'https' && scheme !== 'mailto') return '#ZgotmplZ';
  }
  return s;
}

const stripTags = (s: string) => s.replace(/<[^>]*>/g, '');

type State = 'text' | 'rcdata' | 'raw' | 'tag' | 'attrName' | 'afterName' | 'beforeValue' | 'value';

export class HtmlEscaper {
  private state: State = 'text';
  private tagName = '';
  private attr = '';
  private quote = '';
  private urlPart: 'none' | 'pre' | 'query' = 'none';
  private inComment = false;

  /** Passes literal template text through, updating the context (and dropping HTML comments). */
  text(s: string): string {
    let out = '';
    let i = 0;
    while (i < s.length) {
      if (this.inComment) {
        const end = s.indexOf('-->', i);
        if (end < 0) return out;
        this.inComment = false;
        i = end + 3;
        continue;
      }
      const c = s[i]!;
      switch (this.state) {
        case 'text': {
          // Plain text up to the next '<' cannot change the context.
          const lt = s.indexOf('<', i);
          if (lt < 0) return out + s.slice(i);
          if (lt > i) {
            out += s.slice(i, lt);
            i = lt;
          }
          if (s.startsWith('<!--', i)) {
            this.inComment = true;
            i += 4;
            continue;
          }
          if (/[A-Za-z/]/.test(s[i + 1] ?? '')) {
            const m = /^<\/?([A-Za-z][A-Za-z0-9:-]*)/.exec(s.slice(i));
            if (m) {
              this.tagName = s[i + 1] === '/' ? '' : m[1]!.toLowerCase();
              this.state = 'tag';
              out += m[0];
              i += m[0].length;
              continue;
            }
          }
          out += '<';
          i++;
          continue;
        }
        case 'rcdata':
        case 'raw': {
          const close = s.toLowerCase().indexOf(`</${this.tagName}`, i);
          if (close < 0) return out + s.slice(i);
          out += s.slice(i, close);
          i = close;
          this.state = 'text';
          continue;
        }
        case 'tag':
          if (c === '>') this.endTag();
          else if (/[^\s/]/.test(c)) {
            this.state = 'attrName';
            this.attr = c.toLowerCase();
          }
          break;
        case 'attrName':
          if (c === '=') this.state = 'beforeValue';
          else if (c === '>') this.endTag();
          else if (/\s/.test(c)) this.state = 'afterName';
          else this.attr += c.toLowerCase();
          break;
        case 'afterName':
          if (c === '=') this.state = 'beforeValue';
          else if (c === '>') this.endTag();
          else if (/[^\s/]/.test(c)) {
            this.state = 'attrName';
            this.attr = c.toLowerCase();
          }
          break;
        case 'beforeValue':
          if (/\s/.test(c)) break;
          this.state = 'value';
          this.urlPart = 'none';
          if (c === '"' || c === "'") {
            this.quote = c;
            break;
          }
          this.quote = '';
          continue;
        case 'value':
          if (this.quote ? c === this.quote : /[\s>]/.test(c)) {
            this.state = 'tag';
            if (!this.quote) continue;
          } else if (c === '?' || c === '#') this.urlPart = 'query';
          else if (this.urlPart === 'none') this.urlPart = 'pre';
          break;
      }
      out += c;
      i++;
    }
    return out;
  }

  private endTag() {
    const t = this.tagName;
    this.state = t === 'script' || t === 'style' ? 'raw' : t === 'title' || t === 'textarea' ? 'rcdata' : 'text';
  }

  private isUrlAttr(): boolean {
    const a = this.attr.replace(/^data-/, '').replace(/^xmlns:/, 'xmlns');
    return URL_ATTRS.has(a) || a.includes('url') || a.includes('uri') || a.includes('src');
  }

  /** Escapes one printed value for the current context. */
  value(v: unknown, lastFunc: string): string {
    const isHtml = v instanceof GoStr && v.type === HTML_TYPE;
    const isUrl = v instanceof GoStr && v.type === URL_TYPE;
    const s = v === undefined ? '<no value>' : sprint1(v);
    // Go's predefined escapers at the end of a pipeline stand in for the contextual one.
    if (lastFunc === 'html' && (this.state === 'text' || this.state === 'rcdata')) return s;
    const escaped = lastFunc === 'urlquery';
    switch (this.state) {
      case 'text':
        return isHtml ? s : htmlEscaper(s);
      case 'rcdata':
      case 'raw':
        return htmlEscaper(s);
      case 'value': {
        let out = isHtml ? stripTags(s) : s;
        if (this.isUrlAttr() && !escaped) {
          if (this.urlPart === 'query' && !isUrl) out = urlProcess(out, false);
          else {
            if (this.urlPart === 'none' && !isUrl) out = urlFilter(out);
            out = urlProcess(out, true);
          }
          if (out !== '') this.urlPart = this.urlPart === 'none' ? 'pre' : this.urlPart;
          if (/[?#]/.test(s) && this.urlPart !== 'query') this.urlPart = 'query';
        }
        return this.quote ? htmlEscaper(out) : htmlNospaceEscaper(out);
      }
      default:
        return htmlNospaceEscaper(s);
    }
  }
}
