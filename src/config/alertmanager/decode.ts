/**
 * Alertmanager-flavoured decoding on top of the shared YAML decoder: YAML 1.1 booleans, Prometheus durations,
 * uint fields, and prometheus/common's http_config / tls_config with their validation texts.
 */
import type { Node, Scalar } from 'yaml';
import { isScalar } from 'yaml';
import { DurationError, parseDuration } from '../../time/duration.js';
import { parseYaml11Bool, YamlDecoder } from '../yaml.js';
import type { HttpConfig, TlsConfig } from './types.js';

export interface Field {
  keyNode: Scalar;
  node: Node | null;
}

/** The entries of a mapping keyed by name; unknown keys are reported as Go does (`field x not found in type T`). */
export type Fields = Map<string, Field>;

export class AmDecoder extends YamlDecoder {
  fields(node: unknown, known: readonly string[], typeName = 'config.plain'): Fields | undefined {
    const entries = this.mapping(node, typeName, new Set(known));
    if (!entries) return undefined;
    const out: Fields = new Map();
    for (const e of entries) if (!out.has(e.key)) out.set(e.key, { keyNode: e.keyNode, node: e.valueNode });
    return out;
  }

  /** A null (`~`, `null`, empty) decodes as Go's zero value '' rather than its source text. */
  override string(node: unknown): string | undefined {
    return this.isNull(node) ? '' : super.string(node);
  }

  /**
   * Report a problem at a character offset inside a one-line scalar (e.g. a matcher string), when the YAML text
   * is the value verbatim (no escapes or folding); otherwise at the scalar's start.
   */
  errorAt(node: unknown, offset: number, message: string): void {
    const n = this.resolve(node);
    const pos = this.position(n);
    if (isScalar(n) && typeof n.value === 'string' && !n.value.includes('\n')) {
      const v = n.value;
      const verbatim =
        n.type === 'PLAIN' ||
        (n.type === 'QUOTE_SINGLE' && !v.includes("'")) ||
        (n.type === 'QUOTE_DOUBLE' && !/["\\]/.test(v));
      if (verbatim) pos.col += (n.type === 'PLAIN' ? 0 : 1) + offset;
    }
    this.problems.push({ file: this.file, ...pos, message, severity: 'error' });
  }

  warning(node: unknown, message: string): void {
    this.problems.push({ file: this.file, ...this.position(node), message, severity: 'warning' });
  }

  str(f: Field | undefined): string | undefined {
    return f ? this.string(f.node) : undefined;
  }

  /** Go yaml.v2 (YAML 1.1): `yes/no/on/off/y/n` are booleans too. */
  bool11(f: Field | undefined): boolean | undefined {
    if (!f) return undefined;
    const n = this.resolve(f.node);
    if (this.isNull(n)) return undefined;
    if (isScalar(n)) {
      if (typeof n.value === 'boolean') return n.value;
      // Only plain scalars: a quoted "yes" is a string to Go's yaml.v2 as well.
      if (typeof n.value === 'string' && n.type === 'PLAIN') {
        const b = parseYaml11Bool(n.value);
        if (b !== undefined) return b;
      }
    }
    this.typeError(n, 'bool');
    return undefined;
  }

  /** Prometheus duration; null leaves the field unset (Go's nil *model.Duration), so defaults apply. */
  durationMs(f: Field | undefined): number | undefined {
    if (!f || this.isNull(f.node)) return undefined;
    const s = this.string(f.node);
    if (s === undefined) return undefined;
    try {
      return parseDuration(s);
    } catch (e) {
      if (e instanceof DurationError) {
        this.error(f.node, e.message, this.position(f.keyNode));
        return undefined;
      }
      throw e;
    }
  }

  uint(f: Field | undefined): number | undefined {
    if (!f) return undefined;
    const n = this.resolve(f.node);
    if (this.isNull(n)) return 0;
    if (isScalar(n) && typeof n.value === 'number' && Number.isSafeInteger(n.value) && n.value >= 0) return n.value;
    this.typeError(n, 'uint64');
    return undefined;
  }

  strList(f: Field | undefined, typeName = '[]string'): string[] | undefined {
    if (!f) return undefined;
    const items = this.sequence(f.node, typeName);
    if (!items) return undefined;
    const out: string[] = [];
    for (const item of items) {
      const s = this.string(item);
      if (s !== undefined) out.push(s);
    }
    return out;
  }

  strRecord(f: Field | undefined): Record<string, string> | undefined {
    if (!f) return undefined;
    const entries = this.stringMap(f.node);
    if (!entries) return undefined;
    return Object.fromEntries(entries.map((e) => [e.key, e.value]));
  }

  /** Report a problem at a field's value (or its key when the value is empty). */
  fail(f: Field | undefined, message: string, fallback: unknown): void {
    if (f) this.error(f.node ?? f.keyNode, message, this.position(f.keyNode));
    else this.error(fallback, message);
  }

  plain(node: Node | null): unknown {
    return node === null ? null : (node.toJS(this.doc) as unknown);
  }
}

const TLS_KEYS = [
  'ca',
  'ca_file',
  'ca_ref',
  'cert',
  'cert_file',
  'cert_ref',
  'key',
  'key_file',
  'key_ref',
  'server_name',
  'insecure_skip_verify',
  'min_version',
  'max_version',
] as const;

export function decodeTlsConfig(d: AmDecoder, f: Field | undefined): TlsConfig {
  const tls: TlsConfig = { insecureSkipVerify: false };
  if (!f) return tls;
  const fs = d.fields(f.node, TLS_KEYS, 'config.TLSConfig');
  if (!fs) return tls;
  const set = <K extends keyof TlsConfig>(key: K, yamlKey: string) => {
    const v = d.str(fs.get(yamlKey));
    if (v !== undefined && v !== '') (tls as unknown as Record<string, unknown>)[key] = v;
  };
  set('ca', 'ca');
  set('caFile', 'ca_file');
  set('cert', 'cert');
  set('certFile', 'cert_file');
  set('key', 'key');
  set('keyFile', 'key_file');
  set('serverName', 'server_name');
  set('minVersion', 'min_version');
  set('maxVersion', 'max_version');
  tls.insecureSkipVerify = d.bool11(fs.get('insecure_skip_verify')) ?? false;
  const exclusive: Array<[keyof TlsConfig, keyof TlsConfig, string]> = [
    ['ca', 'caFile', 'at most one of ca and ca_file must be configured'],
    ['cert', 'certFile', 'at most one of cert and cert_file must be configured'],
    ['key', 'keyFile', 'at most one of key and key_file must be configured'],
  ];
  for (const [a, b, msg] of exclusive) if (tls[a] !== undefined && tls[b] !== undefined) d.fail(f, msg, f.node);
  const hasCert = tls.cert !== undefined || tls.certFile !== undefined;
  const hasKey = tls.key !== undefined || tls.keyFile !== undefined;
  if (hasCert && !hasKey)
    d.fail(f, 'exactly one of key or key_file must be configured when a client certificate is configured', f.node);
  if (hasKey && !hasCert)
    d.fail(f, 'exactly one of cert or cert_file must be configured when a client key is configured', f.node);
  return tls;
}

const HTTP_KEYS = [
  'basic_auth',
  'authorization',
  'oauth2',
  'bearer_token',
  'bearer_token_file',
  'tls_config',
  'follow_redirects',
  'enable_http2',
  'proxy_url',
  'no_proxy',
  'proxy_from_environment',
  'proxy_connect_header',
  'http_headers',
] as const;

export function defaultHttpConfig(): HttpConfig {
  return {
    tlsConfig: { insecureSkipVerify: false },
    followRedirects: true,
    enableHttp2: true,
    proxyFromEnvironment: false,
  };
}

export function decodeHttpConfig(d: AmDecoder, f: Field | undefined): HttpConfig | undefined {
  if (!f) return undefined;
  const c = defaultHttpConfig();
  const fs = d.fields(f.node, HTTP_KEYS, 'config.HTTPClientConfig');
  if (!fs) return c;
  const basic = fs.get('basic_auth');
  if (basic) {
    const b = d.fields(basic.node, [
      'username',
      'username_file',
      'username_ref',
      'password',
      'password_file',
      'password_ref',
    ]);
    if (b) {
      c.basicAuth = {
        username: d.str(b.get('username')),
        usernameFile: d.str(b.get('username_file')),
        password: d.str(b.get('password')),
        passwordFile: d.str(b.get('password_file')),
      };
      if (c.basicAuth.username && c.basicAuth.usernameFile) {
        d.fail(basic, 'at most one of basic_auth username & username_file must be configured', basic.node);
      }
      if (c.basicAuth.password && c.basicAuth.passwordFile) {
        d.fail(basic, 'at most one of basic_auth password & password_file must be configured', basic.node);
      }
    }
  }
  const auth = fs.get('authorization');
  if (auth) {
    const a = d.fields(auth.node, ['type', 'credentials', 'credentials_file', 'credentials_ref']);
    if (a) {
      c.authorization = {
        type: d.str(a.get('type'))?.trim() || 'Bearer',
        credentials: d.str(a.get('credentials')),
        credentialsFile: d.str(a.get('credentials_file')),
      };
      if (c.authorization.credentials && c.authorization.credentialsFile) {
        d.fail(auth, 'at most one of authorization credentials & credentials_file must be configured', auth.node);
      }
      if (c.authorization.type!.toLowerCase() === 'basic') {
        d.fail(auth, 'authorization type cannot be set to "basic", use "basic_auth" instead', auth.node);
      }
    }
  }
  const oauth2 = fs.get('oauth2');
  if (oauth2) c.oauth2 = d.plain(oauth2.node) as Record<string, unknown>;
  const bearerToken = d.str(fs.get('bearer_token')) || undefined;
  const bearerTokenFile = d.str(fs.get('bearer_token_file')) || undefined;
  const bearer = bearerToken !== undefined || bearerTokenFile !== undefined;
  if (bearerToken && bearerTokenFile)
    d.fail(f, 'at most one of bearer_token & bearer_token_file must be configured', f.node);
  if ((c.basicAuth || c.oauth2) && bearer) {
    d.fail(f, 'at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured', f.node);
  }
  if (c.authorization && bearer)
    d.fail(f, 'authorization is not compatible with bearer_token & bearer_token_file', f.node);
  if (c.authorization && (c.basicAuth || c.oauth2)) {
    d.fail(f, 'at most one of basic_auth, oauth2 & authorization must be configured', f.node);
  }
  if (c.basicAuth && c.oauth2)
    d.fail(f, 'at most one of basic_auth, oauth2 & authorization must be configured', f.node);
  // prometheus/common turns a bearer token into an Authorization of type Bearer.
  if (bearer && !c.authorization)
    c.authorization = { type: 'Bearer', credentials: bearerToken, credentialsFile: bearerTokenFile };
  c.tlsConfig = decodeTlsConfig(d, fs.get('tls_config'));
  c.followRedirects = d.bool11(fs.get('follow_redirects')) ?? true;
  c.enableHttp2 = d.bool11(fs.get('enable_http2')) ?? true;
  c.proxyFromEnvironment = d.bool11(fs.get('proxy_from_environment')) ?? false;
  const proxyUrl = d.str(fs.get('proxy_url'));
  if (proxyUrl) c.proxyUrl = proxyUrl;
  const noProxy = d.str(fs.get('no_proxy'));
  if (noProxy) c.noProxy = noProxy;
  const connect = fs.get('proxy_connect_header');
  if (connect) c.proxyConnectHeader = d.plain(connect.node) as Record<string, string[]>;
  const headers = fs.get('http_headers');
  if (headers) c.httpHeaders = d.plain(headers.node) as HttpConfig['httpHeaders'];
  return c;
}

/** alertmanager config.parseURL: absolute http(s) URL with a host. Returns an error text or undefined. */
export function checkUrl(s: string): string | undefined {
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(s)?.[1] ?? '';
    return `unsupported scheme ${JSON.stringify(scheme.toLowerCase())} for URL`;
  }
  const scheme = u.protocol.slice(0, -1);
  if (scheme !== 'http' && scheme !== 'https') return `unsupported scheme ${JSON.stringify(scheme)} for URL`;
  if (u.host === '') return 'missing host for URL';
  return undefined;
}
