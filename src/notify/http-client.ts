import { readFile } from 'node:fs/promises';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { TlsSettings } from './config.js';

export interface PostResponse {
  status: number;
  headers: Headers;
  body: string;
}

async function fileOr(value: string | undefined, file: string | undefined): Promise<string | undefined> {
  if (value) return value;
  return file ? readFile(file, 'utf8') : undefined;
}

/** Whether tls_config asks for anything fetch's defaults do not do. */
export function needsCustomTls(tls: TlsSettings | undefined): tls is TlsSettings {
  return !!tls && !!(tls.ca || tls.caFile || tls.cert || tls.certFile || tls.serverName || tls.insecureSkipVerify);
}

/**
 * POST helper: global fetch normally; node:https with a keep-alive agent built from tls_config (CA, client
 * certificate, server name, insecure_skip_verify) when the config needs one, since fetch takes no TLS options.
 * Redirects are followed by fetch only.
 */
export type Poster = ReturnType<typeof createPoster>;

export function createPoster(tls: TlsSettings | undefined) {
  let agent: Promise<HttpsAgent> | undefined;
  const tlsAgent = async (t: TlsSettings) =>
    new HttpsAgent({
      keepAlive: true,
      ca: await fileOr(t.ca, t.caFile),
      cert: await fileOr(t.cert, t.certFile),
      key: await fileOr(t.key, t.keyFile),
      ...(t.serverName ? { servername: t.serverName } : {}),
      rejectUnauthorized: !t.insecureSkipVerify,
    });

  return async function post(
    url: string,
    init: { headers: Record<string, string>; body: string; signal: AbortSignal; followRedirects?: boolean },
  ): Promise<PostResponse> {
    if (!needsCustomTls(tls) || !url.startsWith('https:')) {
      const res = await fetch(url, {
        method: 'POST',
        headers: init.headers,
        body: init.body,
        signal: init.signal,
        redirect: init.followRedirects === false ? 'manual' : 'follow',
      });
      return { status: res.status, headers: res.headers, body: await res.text().catch(() => '') };
    }
    agent ??= tlsAgent(tls);
    const httpsAgent = await agent;
    return new Promise<PostResponse>((resolve, reject) => {
      const req = httpsRequest(
        url,
        { method: 'POST', headers: init.headers, agent: httpsAgent, signal: init.signal },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const headers = new Headers();
            for (const [k, v] of Object.entries(res.headers)) {
              if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
            }
            resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('utf8') });
          });
        },
      );
      req.on('error', reject);
      req.end(init.body);
    });
  };
}
