/**
 * Optional API authentication (SEMANTICS §9 row 18): bearer tokens with scopes, and basic auth users like
 * Alertmanager's web config. Without any credentials configured every request is allowed (the lead logs
 * `authWarning` when such an instance listens beyond loopback).
 *
 * Secrets are compared as SHA-256 digests with a constant-time compare. Tokens may be given in plain text or
 * as `sha256:<hex>`; basic auth passwords only as `sha256:<hex>` (no bcrypt library is installed, so
 * Alertmanager's bcrypt hashes are rejected with a clear message rather than silently never matching).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';

export const SCOPES = ['read', 'alerts:write', 'silences:write', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export interface ApiToken {
  name: string;
  /** The token itself, or `sha256:<hex digest>` of it. */
  token: string;
  scopes: Scope[];
}

export interface AuthConfig {
  tokens?: ApiToken[];
  /** Username → `sha256:<hex digest>` of the password. */
  basicAuthUsers?: Record<string, string>;
  /** Scopes basic auth users get; Alertmanager's users can do everything, hence `admin` by default. */
  basicAuthScopes?: Scope[];
  /** Scopes granted without credentials while auth is enabled (e.g. `read` for dashboards); none by default. */
  anonymousScopes?: Scope[];
}

export interface Identity {
  name: string;
  scopes: readonly Scope[];
  via: 'token' | 'basic' | 'anonymous';
}

const identities = new WeakMap<FastifyRequest, Identity>();

/** The identity the auth hook attached to the request, if any. */
export function requestIdentity(req: FastifyRequest): Identity | undefined {
  return identities.get(req);
}

export function authEnabled(cfg: AuthConfig): boolean {
  return (cfg.tokens?.length ?? 0) > 0 || Object.keys(cfg.basicAuthUsers ?? {}).length > 0;
}

const PUBLIC = /(^|\/)-\/(healthy|ready)$/;
// The log receiver takes notifications, so it needs what posting alerts needs, not admin.
const ALERTS_WRITE = /(^|\/)api\/(v[12]\/alerts|klaxon\/v1\/log-receiver)$/;
const SILENCES_WRITE = /(^|\/)api\/v2\/(silences|silence\/[^/]+)$/;

/** The scope a request needs, or null for the public health endpoints. */
export function requiredScope(method: string, path: string): Scope | null {
  const p = path.split('?')[0]!.replace(/\/+$/, '');
  const m = method.toUpperCase();
  if (PUBLIC.test(p) && (m === 'GET' || m === 'HEAD')) return null;
  if (m === 'GET' || m === 'HEAD' || m === 'OPTIONS') return 'read';
  if (m === 'POST' && ALERTS_WRITE.test(p)) return 'alerts:write';
  if ((m === 'POST' || m === 'DELETE') && SILENCES_WRITE.test(p)) return 'silences:write';
  return 'admin';
}

export function hasScope(identity: Identity, scope: Scope): boolean {
  return identity.scopes.includes('admin') || identity.scopes.includes(scope);
}

function digest(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

function storedDigest(value: string, what: string): Buffer {
  if (value.startsWith('sha256:')) {
    const hex = value.slice(7);
    if (!/^[0-9a-f]{64}$/i.test(hex)) throw new Error(`${what}: sha256: must be followed by 64 hex digits`);
    return Buffer.from(hex, 'hex');
  }
  if (/^\$2[abxy]?\$/.test(value)) {
    throw new Error(
      `${what}: bcrypt hashes are not supported; use sha256:<hex> (e.g. \`printf %s PASSWORD | sha256sum\`)`,
    );
  }
  return digest(value);
}

const sameDigest = (a: Buffer, b: Buffer) => a.length === b.length && timingSafeEqual(a, b);

/**
 * A Fastify onRequest hook: authenticates `Authorization: Bearer` or `Basic`, checks the scope the method
 * and path need, answers 401/403 as a JSON string, and attaches the identity for `requestIdentity`.
 * Throws at creation on malformed credentials in the config.
 */
export function authHook(cfg: AuthConfig): onRequestHookHandler {
  const enabled = authEnabled(cfg);
  const tokens = (cfg.tokens ?? []).map((t) => ({ ...t, digest: storedDigest(t.token, `api token ${t.name}`) }));
  const users = new Map(
    Object.entries(cfg.basicAuthUsers ?? {}).map(([u, h]) => [u, storedDigest(h, `basic auth user ${u}`)] as const),
  );
  if (Object.values(cfg.basicAuthUsers ?? {}).some((h) => !h.startsWith('sha256:'))) {
    throw new Error('basic auth passwords must be given as sha256:<hex>');
  }
  const basicScopes = cfg.basicAuthScopes ?? ['admin'];
  const anonymous: Identity = enabled
    ? { name: 'anonymous', scopes: cfg.anonymousScopes ?? [], via: 'anonymous' }
    : { name: 'anonymous', scopes: ['admin'], via: 'anonymous' };
  const challenge = users.size > 0 ? 'Basic realm="klaxon"' : 'Bearer realm="klaxon"';

  const authenticate = (header: string | undefined): Identity | null | undefined => {
    if (!header) return undefined;
    const [kind, rest = ''] = header.split(/\s+/, 2) as [string, string?];
    if (kind.toLowerCase() === 'bearer') {
      const d = digest(rest.trim());
      const t = tokens.find((x) => sameDigest(x.digest, d));
      return t ? { name: t.name, scopes: t.scopes, via: 'token' } : null;
    }
    if (kind.toLowerCase() === 'basic') {
      const decoded = Buffer.from(rest.trim(), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) return null;
      const user = decoded.slice(0, colon);
      const stored = users.get(user);
      // Hash even for unknown users so timing does not reveal which users exist.
      const ok = sameDigest(stored ?? digest(''), digest(decoded.slice(colon + 1))) && stored !== undefined;
      return ok ? { name: user, scopes: basicScopes, via: 'basic' } : null;
    }
    return null;
  };

  return async (req: FastifyRequest, reply: FastifyReply) => {
    const scope = requiredScope(req.method, req.url);
    if (scope === null) return;
    if (!enabled) {
      identities.set(req, anonymous);
      return;
    }
    const identity = authenticate(req.headers.authorization);
    if (identity === null) {
      return reply
        .code(401)
        .header('www-authenticate', challenge)
        .type('application/json')
        .send(JSON.stringify('unauthorized'));
    }
    const who = identity ?? anonymous;
    if (!hasScope(who, scope)) {
      if (identity === undefined) {
        return reply
          .code(401)
          .header('www-authenticate', challenge)
          .type('application/json')
          .send(JSON.stringify('unauthorized'));
      }
      return reply
        .code(403)
        .type('application/json')
        .send(JSON.stringify(`forbidden: ${who.name} lacks scope ${scope}`));
    }
    identities.set(req, who);
  };
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|::1|\[::1\])$/i;

/** A warning to log at start when the API is reachable beyond loopback without authentication. */
export function authWarning(listenHost: string, cfg: AuthConfig): string | null {
  if (authEnabled(cfg)) return null;
  if (LOOPBACK.test(listenHost)) return null;
  return (
    `the API listens on ${listenHost || '0.0.0.0'} without authentication: anyone who can reach it can create ` +
    'silences and post alerts; configure api_tokens in klaxon.yml or listen on 127.0.0.1'
  );
}
