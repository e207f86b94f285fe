/**
 * `X-Twilio-Signature` on webhooks and on the media upgrade: valid, wrong, missing, replayed to another
 * URL, proxy headers (only from a trusted proxy), and the behaviour without `TWILIO_AUTH_TOKEN`.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import Fastify from 'fastify';
import type { Logger } from '../../core/logger.ts';
import { afterEach, describe, expect, it } from 'vitest';
import type { TrustProxy } from '../../config/security.ts';
import { TwilioSignatureVerifier, twilioSignatureOf } from '../../services/telephony/twilio-signature.ts';
import { capturingLogger } from '../../testing/runtime-fakes/test-logger.ts';
import { forwardedOrigin, trustsPeer } from './forwarded-origin.ts';
import { twilioUpgradeVerifier } from './upgrade-verifier.ts';
import { twilioWebhookPlugin } from './twilio-webhook-plugin.ts';

const authToken = 'twilio-test-auth-token-0123456789ab';
const publicUrl = 'https://voice.example.com';
const params = { CallSid: 'CA0123456789abcdef0123456789abcdef', From: '+33612345678', To: '+33987654321', CallStatus: 'ringing' };

const makeServer = (logger: Logger) => Fastify({ loggerInstance: logger });
type Server = ReturnType<typeof makeServer>;

let app: Server | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function webhookApp(options: { token?: string; production?: boolean; trustProxy?: TrustProxy } = {}) {
  const { logger, lines } = capturingLogger('info');
  const verifier = new TwilioSignatureVerifier({ authToken: options.token, publicUrl, refuseWhenUnconfigured: options.production ?? false });
  const handled: unknown[] = [];
  const server = makeServer(logger);
  server.setErrorHandler((error: { httpStatus?: number; code?: string }, _request, reply) => reply.code(error.httpStatus ?? 500).send({ code: error.code }));
  await server.register(async (context) => {
    await context.register(twilioWebhookPlugin, { verifier, trustProxy: options.trustProxy ?? false });
    context.post('/twilio/voice', (request) => {
      handled.push(request.body);
      return { ok: true };
    });
    context.post('/twilio/status', (request) => {
      handled.push(request.body);
      return { ok: true };
    });
  });
  app = server;
  return { server, handled, lines };
}

function post(server: Server, url: string, body: Record<string, string>, headers: Record<string, string> = {}) {
  return server.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload: new URLSearchParams(body).toString(),
  });
}

describe('twilio webhook signatures', () => {
  it('accepts a request signed over PUBLIC_URL + path + the form parameters', async () => {
    const { server, handled } = await webhookApp({ token: authToken });
    const signature = twilioSignatureOf(authToken, `${publicUrl}/twilio/voice`, params);
    const res = await post(server, '/twilio/voice', params, { 'x-twilio-signature': signature });
    expect(res.statusCode).toBe(200);
    expect(handled).toEqual([params]);
  });

  it('covers the query string Twilio called', async () => {
    const { server } = await webhookApp({ token: authToken });
    const url = '/twilio/status?callId=0b8f5c1e-8d7e-4a3c-9c0f-1a2b3c4d5e6f';
    const signature = twilioSignatureOf(authToken, `${publicUrl}${url}`, params);
    expect((await post(server, url, params, { 'x-twilio-signature': signature })).statusCode).toBe(200);
    expect((await post(server, '/twilio/status?callId=other', params, { 'x-twilio-signature': signature })).statusCode).toBe(403);
  });

  it('refuses a missing, wrong or tampered signature with 403 before the handler runs', async () => {
    const { server, handled, lines } = await webhookApp({ token: authToken });
    const good = twilioSignatureOf(authToken, `${publicUrl}/twilio/voice`, params);
    const cases = [
      post(server, '/twilio/voice', params),
      post(server, '/twilio/voice', params, { 'x-twilio-signature': 'bm90IGEgc2lnbmF0dXJl' }),
      post(server, '/twilio/voice', params, { 'x-twilio-signature': twilioSignatureOf('another-token', `${publicUrl}/twilio/voice`, params) }),
      post(server, '/twilio/voice', { ...params, To: '+33100000000' }, { 'x-twilio-signature': good }),
      post(server, '/twilio/voice', { ...params, Extra: 'x' }, { 'x-twilio-signature': good }),
    ];
    for (const res of await Promise.all(cases)) {
      expect(res.statusCode).toBe(403);
      expect(res.json()).toEqual({ code: 'forbidden' });
    }
    expect(handled).toEqual([]);
    const refusals = lines().filter((line) => line.msg === 'twilio webhook refused');
    expect(refusals.map((line) => line.reason)).toEqual(['missing_signature', 'invalid_signature', 'invalid_signature', 'invalid_signature', 'invalid_signature']);
    expect(JSON.stringify(lines())).not.toContain('+3361234');
  });

  it('refuses a request signed for another path or another host (replay)', async () => {
    const { server } = await webhookApp({ token: authToken });
    const forStatus = twilioSignatureOf(authToken, `${publicUrl}/twilio/status`, params);
    expect((await post(server, '/twilio/voice', params, { 'x-twilio-signature': forStatus })).statusCode).toBe(403);
    const forOtherHost = twilioSignatureOf(authToken, 'https://other-app.example.com/twilio/voice', params);
    const replayed = await post(server, '/twilio/voice', params, { 'x-twilio-signature': forOtherHost, host: 'other-app.example.com' });
    expect(replayed.statusCode).toBe(403);
  });

  it('rebuilds the URL from X-Forwarded-Proto/Host only when TRUST_PROXY trusts the peer', async () => {
    const viaProxy = 'https://proxy-host.example.net/twilio/voice';
    const signature = twilioSignatureOf(authToken, viaProxy, params);
    const headers = { 'x-twilio-signature': signature, 'x-forwarded-proto': 'https', 'x-forwarded-host': 'proxy-host.example.net' };

    const untrusted = await webhookApp({ token: authToken, trustProxy: false });
    expect((await post(untrusted.server, '/twilio/voice', params, headers)).statusCode).toBe(403);
    await app?.close();

    const trusted = await webhookApp({ token: authToken, trustProxy: ['127.0.0.1'] });
    expect((await post(trusted.server, '/twilio/voice', params, headers)).statusCode).toBe(200);
    // PUBLIC_URL still works behind the proxy.
    const direct = twilioSignatureOf(authToken, `${publicUrl}/twilio/voice`, params);
    expect((await post(trusted.server, '/twilio/voice', params, { ...headers, 'x-twilio-signature': direct })).statusCode).toBe(200);
    await app?.close();

    const otherProxy = await webhookApp({ token: authToken, trustProxy: ['10.0.0.0/8'] });
    expect((await post(otherProxy.server, '/twilio/voice', params, headers)).statusCode).toBe(403);
  });

  it('refuses every Twilio request in production without TWILIO_AUTH_TOKEN (503 not_configured)', async () => {
    const { server, handled, lines } = await webhookApp({ production: true });
    const res = await post(server, '/twilio/voice', params, { 'x-twilio-signature': twilioSignatureOf(authToken, `${publicUrl}/twilio/voice`, params) });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ code: 'not_configured' });
    expect(handled).toEqual([]);
    expect(lines().some((line) => line.msg === 'twilio webhook refused: TWILIO_AUTH_TOKEN is not set in production')).toBe(true);
  });

  it('accepts unsigned requests outside production without a token, warning on each', async () => {
    const { server, handled, lines } = await webhookApp();
    expect((await post(server, '/twilio/voice', params)).statusCode).toBe(200);
    expect((await post(server, '/twilio/status', params)).statusCode).toBe(200);
    expect(handled).toHaveLength(2);
    expect(lines().filter((line) => line.msg === 'unsigned twilio webhook accepted: TWILIO_AUTH_TOKEN is not set')).toHaveLength(2);
  });
});

function upgradeRequest(url: string, headers: Record<string, string>, remoteAddress = '127.0.0.1'): IncomingMessage {
  const socket: Pick<Socket, 'remoteAddress'> = { remoteAddress };
  return { url, method: 'GET', headers, socket } as unknown as IncomingMessage;
}

describe('twilio media upgrade signature', () => {
  const verifier = new TwilioSignatureVerifier({ authToken, publicUrl, refuseWhenUnconfigured: true });
  const verify = twilioUpgradeVerifier({ verifier, trustProxy: false, logger: capturingLogger().logger });

  it('accepts the wss:// URL signed with no parameters (and the https:// form)', () => {
    expect(verify(upgradeRequest('/twilio/media', { 'x-twilio-signature': twilioSignatureOf(authToken, 'wss://voice.example.com/twilio/media') }))).toBe(true);
    expect(verify(upgradeRequest('/media-stream', { 'x-twilio-signature': twilioSignatureOf(authToken, 'https://voice.example.com/media-stream') }))).toBe(true);
  });

  it('refuses missing, wrong and other-path signatures, and everything in production without a token', () => {
    expect(verify(upgradeRequest('/twilio/media', {}))).toBe(false);
    expect(verify(upgradeRequest('/twilio/media', { 'x-twilio-signature': twilioSignatureOf(authToken, 'wss://voice.example.com/media-stream') }))).toBe(false);
    expect(verify(upgradeRequest('/twilio/media', { 'x-twilio-signature': twilioSignatureOf(authToken, 'wss://evil.example.com/twilio/media') }))).toBe(false);
    const unconfigured = new TwilioSignatureVerifier({ authToken: undefined, publicUrl, refuseWhenUnconfigured: true });
    expect(twilioUpgradeVerifier({ verifier: unconfigured, trustProxy: true, logger: capturingLogger().logger })(upgradeRequest('/twilio/media', {}))).toBe(false);
    const development = new TwilioSignatureVerifier({ authToken: undefined, publicUrl, refuseWhenUnconfigured: false });
    expect(twilioUpgradeVerifier({ verifier: development, trustProxy: false, logger: capturingLogger().logger })(upgradeRequest('/twilio/media', {}))).toBe(true);
  });

  it('uses a trusted proxy’s forwarded host for the upgrade too', () => {
    const headers = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'tunnel.example.org', 'x-twilio-signature': twilioSignatureOf(authToken, 'wss://tunnel.example.org/twilio/media') };
    expect(verify(upgradeRequest('/twilio/media', headers))).toBe(false);
    const trusting = twilioUpgradeVerifier({ verifier, trustProxy: 1, logger: capturingLogger().logger });
    expect(trusting(upgradeRequest('/twilio/media', headers))).toBe(true);
  });
});

describe('forwarded origin', () => {
  it('trusts peers by flag, hop count, address or CIDR (IPv4-mapped IPv6 included)', () => {
    expect(trustsPeer(false, '127.0.0.1')).toBe(false);
    expect(trustsPeer(true, undefined)).toBe(true);
    expect(trustsPeer(0, '127.0.0.1')).toBe(false);
    expect(trustsPeer(2, '127.0.0.1')).toBe(true);
    expect(trustsPeer(['10.0.0.0/8'], '::ffff:10.1.2.3')).toBe(true);
    expect(trustsPeer(['10.0.0.0/8', '::1'], '::1')).toBe(true);
    expect(trustsPeer(['10.0.0.0/8'], '192.168.1.1')).toBe(false);
  });

  it('takes the last forwarded value (the one the trusted proxy added) and keeps Host when only the scheme is forwarded', () => {
    expect(forwardedOrigin({ 'x-forwarded-proto': 'http, https', 'x-forwarded-host': 'evil.example, good.example' }, '127.0.0.1', true)).toBe('https://good.example');
    expect(forwardedOrigin({ 'x-forwarded-proto': 'https', host: 'kept.example:8443' }, '127.0.0.1', true)).toBe('https://kept.example:8443');
    expect(forwardedOrigin({ host: 'plain.example' }, '127.0.0.1', true)).toBeUndefined();
    expect(forwardedOrigin({ 'x-forwarded-host': 'bad/host' }, '127.0.0.1', true)).toBeUndefined();
  });
});
