import { lookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { Clock } from '../../core/clock.ts';
import { isInternalAddress } from './url-policy.ts';

/** A connection refused because the host name resolved to an internal address. */
export class BlockedAddressError extends Error {
  constructor(hostname: string) {
    super(`${hostname} resolves to a loopback, private or link-local address, which webhooks may not reach`);
    this.name = 'BlockedAddressError';
  }
}

/**
 * A DNS lookup for outgoing webhook connections that refuses internal addresses. It runs on the
 * connection itself, so the address checked is the address connected to (no time-of-check gap for
 * DNS rebinding to slip through).
 */
export function guardedLookup(): LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) {
        callback(error, '');
        return;
      }
      if (addresses.length === 0 || addresses.some((a) => isInternalAddress(a.address))) {
        callback(Object.assign(new BlockedAddressError(hostname), { code: 'EBLOCKED' }), '');
        return;
      }
      const [first] = addresses;
      if (options.all === true || first === undefined) callback(null, addresses);
      else callback(null, first.address, first.family);
    });
  };
}

export interface PostOutcome {
  /** The response status; `null` when none came. */
  readonly statusCode: number | null;
  /** What went wrong, `null` for a 2xx. */
  readonly error: string | null;
  /** The address was refused by the policy: retrying cannot help. */
  readonly blocked: boolean;
}

export interface PostOptions {
  readonly allowPrivateNetworks: boolean;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  readonly clock: Clock;
}

const snippetBytes = 256;

/**
 * POSTs `body` and reports what happened; never throws. Redirects are not followed (a 3xx is a
 * failure: a redirect could lead inside), at most 256 bytes of the answer are read, and the whole
 * exchange is bounded by `timeoutMs`.
 */
export function postJson(url: URL, body: string, headers: Readonly<Record<string, string>>, options: PostOptions): Promise<PostOutcome> {
  if (!options.allowPrivateNetworks && isInternalAddress(url.hostname)) {
    return Promise.resolve({ statusCode: null, error: new BlockedAddressError(url.hostname).message, blocked: true });
  }
  if (options.signal.aborted) return Promise.resolve({ statusCode: null, error: 'aborted', blocked: false });
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: PostOutcome) => {
      if (settled) return;
      settled = true;
      cancelTimeout();
      options.signal.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(url, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      agent: false,
      ...(options.allowPrivateNetworks ? {} : { lookup: guardedLookup() }),
    });
    const cancelTimeout = options.clock.setTimer(options.timeoutMs, () => {
      request.destroy(new Error(`timed out after ${String(options.timeoutMs)} ms`));
    });
    const onAbort = () => {
      request.destroy(new Error('aborted'));
    };
    options.signal.addEventListener('abort', onAbort, { once: true });
    request.on('response', (response: IncomingMessage) => {
      const status = response.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        if (size < snippetBytes) chunks.push(chunk);
        size += chunk.length;
        if (size >= snippetBytes) response.destroy();
      });
      const done = () => {
        if (status >= 200 && status < 300) {
          finish({ statusCode: status, error: null, blocked: false });
          return;
        }
        const snippet = Buffer.concat(chunks).subarray(0, snippetBytes).toString('utf8').replace(/\s+/g, ' ').trim();
        const what = status >= 300 && status < 400 ? `HTTP ${String(status)} (redirects are not followed)` : `HTTP ${String(status)}`;
        finish({ statusCode: status, error: snippet === '' ? what : `${what}: ${snippet}`, blocked: false });
      };
      response.on('end', done);
      response.on('close', done);
      response.on('error', done);
    });
    request.on('error', (error: Error) => {
      finish({ statusCode: null, error: error.message, blocked: error instanceof BlockedAddressError });
    });
    request.end(body);
  });
}
