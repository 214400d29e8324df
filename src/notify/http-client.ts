import { readFile } from 'node:fs/promises';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { TlsSettings } from './config.js';

export interface PostResponse {
  status: number;
  headers: Headers;
  body: string;
}

export interface PostInit {
  headers: Record<string, string>;
  body: string;
  signal: AbortSignal;
  followRedirects?: boolean;
}

export type Poster = (url: string, init: PostInit) => Promise<PostResponse>;

const MAX_REDIRECTS = 10;

async function fileOr(value: string | undefined, file: string | undefined): Promise<string | undefined> {
  if (value) return value;
  return file ? readFile(file, 'utf8') : undefined;
}

function toHeaders(res: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [k, v] of Object.entries(res.headers)) {
    if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
  }
  return headers;
}

/**
 * POSTs with node:http / node:https over keep-alive agents: several times cheaper per request than fetch, which
 * matters for POST→webhook latency, and the only way to apply tls_config (CA, client certificate, server name,
 * insecure_skip_verify). Redirects are followed as Go's client does: 307/308 repeat the POST, 301/302/303 turn
 * into a GET without body.
 */
export function createPoster(tls: TlsSettings | undefined): Poster {
  const httpAgent = new HttpAgent({ keepAlive: true });
  let httpsAgent: Promise<HttpsAgent> | undefined;
  const tlsAgent = async () =>
    new HttpsAgent({
      keepAlive: true,
      ca: await fileOr(tls?.ca, tls?.caFile),
      cert: await fileOr(tls?.cert, tls?.certFile),
      key: await fileOr(tls?.key, tls?.keyFile),
      ...(tls?.serverName ? { servername: tls.serverName } : {}),
      rejectUnauthorized: !tls?.insecureSkipVerify,
    });

  async function once(
    url: URL,
    method: string,
    init: PostInit,
    body: string | undefined,
  ): Promise<PostResponse & { location?: string }> {
    const secure = url.protocol === 'https:';
    const agent = secure ? await (httpsAgent ??= tlsAgent()) : httpAgent;
    const send = secure ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const headers = { ...init.headers };
      if (body === undefined) delete headers['content-type'];
      const req = send(url, { method, headers, agent, signal: init.signal }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: toHeaders(res),
            body: Buffer.concat(chunks).toString('utf8'),
            location: res.headers.location,
          }),
        );
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  return async function post(url: string, init: PostInit): Promise<PostResponse> {
    let target = new URL(url);
    let method = 'POST';
    let body: string | undefined = init.body;
    for (let hop = 0; ; hop++) {
      const res = await once(target, method, init, body);
      const redirect = [301, 302, 303, 307, 308].includes(res.status) && res.location;
      if (!redirect || init.followRedirects === false || hop >= MAX_REDIRECTS) return res;
      target = new URL(res.location!, target);
      if (res.status !== 307 && res.status !== 308) {
        method = 'GET';
        body = undefined;
      }
    }
  };
}
