/**
 * A protocol-faithful fake of Twilio's REST API, Calls resource only: HTTP Basic auth with the
 * account SID and auth token, form-encoded parameters validated as Twilio does (with its error codes),
 * realistic JSON answers, every request recorded. It also plays Twilio's part afterwards: it builds
 * and sends signed status callbacks to the `StatusCallback` URL of a call it placed. Test tool only.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { twilioSignatureOf } from '../../services/telephony/twilio-signature.ts';
import { callJson, knownCreateParams, twilioError, validateCreate, type FakeTwilioCall, type FormParams, type TwilioErrorBody } from './calls-resource.ts';

export interface FakeTwilioRestOptions {
  readonly accountSid: string;
  readonly authToken: string;
}

export interface RecordedTwilioRequest {
  readonly method: string;
  readonly path: string;
  /** Whether the Basic credentials were the account's. */
  readonly authorized: boolean;
  readonly contentType: string | undefined;
  readonly params: FormParams;
  /** Parameters the Calls resource does not know. */
  readonly unknownParams: readonly string[];
  readonly status: number;
}

export interface SignedCallback {
  readonly url: string;
  readonly params: Record<string, string>;
  readonly headers: Record<string, string>;
}

export interface FakeTwilioRest {
  /** For `TWILIO_API_BASE_URL`. */
  readonly baseUrl: string;
  readonly requests: readonly RecordedTwilioRequest[];
  /** Calls placed, by sid. */
  readonly calls: ReadonlyMap<string, FakeTwilioCall>;
  /** The next create request is refused with this Twilio error (e.g. 400, 21211). */
  failNextCreate(status: number, code: number, message: string): void;
  /** A signed status callback for a placed call, as Twilio would post it (`CallStatus`, sequence, plus `extra`). */
  statusCallback(callSid: string, status: string, extra?: Record<string, string>): SignedCallback;
  /** Posts it; `via` replaces the scheme, host and port of the callback URL (the signature stays over the public URL). */
  sendStatusCallback(callSid: string, status: string, options?: { extra?: Record<string, string>; via?: string }): Promise<Response>;
  close(): Promise<void>;
}

function formOf(body: string): Record<string, string | string[]> {
  const params: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(body)) {
    const existing = params[name];
    params[name] = existing === undefined ? value : [...[existing].flat(), value];
  }
  return params;
}

function send(response: ServerResponse, status: number, body: unknown): number {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
  return status;
}

export async function startFakeTwilioRest(options: FakeTwilioRestOptions): Promise<FakeTwilioRest> {
  const requests: RecordedTwilioRequest[] = [];
  const calls = new Map<string, FakeTwilioCall>();
  let nextFailure: TwilioErrorBody | undefined;
  const expectedAuth = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64')}`;
  const prefix = `/2010-04-01/Accounts/${options.accountSid}/Calls`;

  function handle(request: IncomingMessage, body: string, response: ServerResponse): { status: number; params: FormParams; unknown: string[] } {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const params = formOf(body);
    const unknown = Object.keys(params).filter((name) => !knownCreateParams.has(name) && name !== 'Status');
    const done = (status: number, payload: unknown) => ({ status: send(response, status, payload), params, unknown });
    if (request.headers.authorization !== expectedAuth) return done(401, twilioError(401, 20003, 'Authenticate'));
    if (request.method !== 'POST' && request.method !== 'GET') return done(405, twilioError(405, 20004, 'Method not allowed'));
    if (request.method === 'POST' && request.headers['content-type']?.startsWith('application/x-www-form-urlencoded') !== true) {
      return done(400, twilioError(400, 20001, 'Request body must be application/x-www-form-urlencoded'));
    }
    if (path === `${prefix}.json` && request.method === 'POST') {
      if (nextFailure) {
        const failure = nextFailure;
        nextFailure = undefined;
        return done(failure.status, failure);
      }
      const created = validateCreate(options.accountSid, params, new Date());
      if ('error' in created) return done(created.error.status, created.error);
      calls.set(created.call.sid, created.call);
      return done(201, callJson(created.call));
    }
    const one = new RegExp(`^${prefix}/(CA[0-9a-f]{32})\\.json$`).exec(path);
    const call = one?.[1] === undefined ? undefined : calls.get(one[1]);
    if (!call) return done(404, twilioError(404, 20404, `The requested resource ${path} was not found`));
    if (request.method === 'GET') return done(200, callJson(call));
    const status = params.Status;
    if (status !== 'completed' && status !== 'canceled') return done(400, twilioError(400, 21220, 'Invalid call state: Status must be completed or canceled'));
    call.status = status === 'canceled' || call.status === 'queued' || call.status === 'ringing' ? 'canceled' : 'completed';
    return done(200, callJson(call));
  }

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const { status, params, unknown } = handle(request, body, response);
      requests.push({
        method: request.method ?? 'GET',
        path: request.url ?? '/',
        authorized: request.headers.authorization === expectedAuth,
        contentType: request.headers['content-type'],
        params,
        unknownParams: unknown,
        status,
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const statusCallback = (callSid: string, status: string, extra: Record<string, string> = {}): SignedCallback => {
    const call = calls.get(callSid);
    if (!call?.statusCallback) throw new Error(`no status callback for ${callSid}`);
    call.sequence += 1;
    const params = {
      AccountSid: call.accountSid,
      ApiVersion: '2010-04-01',
      CallSid: call.sid,
      CallStatus: status,
      CallbackSource: 'call-progress-events',
      Direction: 'outbound-api',
      From: call.from,
      To: call.to,
      SequenceNumber: String(call.sequence - 1),
      Timestamp: new Date().toUTCString(),
      ...extra,
    };
    const headers = { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignatureOf(options.authToken, call.statusCallback, params) };
    return { url: call.statusCallback, params, headers };
  };

  return {
    baseUrl,
    requests,
    calls,
    failNextCreate(status, code, message) {
      nextFailure = twilioError(status, code, message);
    },
    statusCallback,
    sendStatusCallback(callSid, status, sendOptions = {}) {
      const signed = statusCallback(callSid, status, sendOptions.extra);
      const target = new URL(signed.url);
      const url = sendOptions.via === undefined ? signed.url : `${sendOptions.via.replace(/\/+$/, '')}${target.pathname}${target.search}`;
      return fetch(url, { method: 'POST', headers: signed.headers, body: new URLSearchParams(signed.params).toString() });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => { resolve(); }));
    },
  };
}
