import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../core/clock.ts';
import { postJson } from './http-post.ts';
import { checkWebhookUrl, isInternalAddress } from './url-policy.ts';

const production = { requireHttps: true, allowPrivateNetworks: false };
const development = { requireHttps: false, allowPrivateNetworks: true };

let server: Server;
let port: number;
let received = 0;
beforeAll(async () => {
  server = createServer((request, response) => {
    received += 1;
    request.resume();
    response.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('webhook URLs (SSRF guard)', () => {
  it('in production: https only, and nothing loopback, private, link-local or reserved', () => {
    expect(checkWebhookUrl('https://hooks.example.com/switchboard', production).ok).toBe(true);
    expect(checkWebhookUrl('https://93.184.215.14:8443/x', production).ok).toBe(true);
    const refused = [
      'http://hooks.example.com/x',
      'https://localhost/x',
      'https://api.localhost/x',
      'https://127.0.0.1/x',
      'https://127.1/x',
      'https://2130706433/x',
      'https://0x7f000001/x',
      'https://0.0.0.0/x',
      'https://10.1.2.3/x',
      'https://172.20.0.1/x',
      'https://192.168.1.10/x',
      'https://169.254.169.254/latest/meta-data',
      'https://100.64.0.1/x',
      'https://[::1]/x',
      'https://[::ffff:127.0.0.1]/x',
      'https://[fd00::1]/x',
      'https://[fe80::1]/x',
      'ftp://hooks.example.com/x',
      'not a url',
      'https://hooks.example.com/x#frag',
    ];
    for (const url of refused) expect(checkWebhookUrl(url, production).ok, url).toBe(false);
  });

  it('says why a URL is refused', () => {
    expect(checkWebhookUrl('http://hooks.example.com/x', production)).toEqual({ ok: false, error: 'must use https' });
    expect(checkWebhookUrl('https://10.0.0.5/x', production)).toEqual({ ok: false, error: 'must not point to a loopback, private or link-local address' });
  });

  it('in development and test: http and local receivers are allowed', () => {
    expect(checkWebhookUrl('http://localhost:4000/hook', development).ok).toBe(true);
    expect(checkWebhookUrl('http://127.0.0.1:4000/hook', development).ok).toBe(true);
  });

  it('classifies addresses', () => {
    expect(['127.0.0.1', '10.0.0.1', '::1', '::ffff:10.0.0.1', 'fc00::1', '[::1]'].every(isInternalAddress)).toBe(true);
    expect(['93.184.215.14', '2606:4700::1111', 'example.com'].some(isInternalAddress)).toBe(false);
  });

  it('refuses at connection time a host name that resolves inside, before any byte is sent', async () => {
    const signal = new AbortController().signal;
    const options = { allowPrivateNetworks: false, timeoutMs: 5_000, signal, clock: systemClock };
    const byName = await postJson(new URL(`http://localhost:${String(port)}/hook`), '{}', {}, options);
    expect(byName).toMatchObject({ statusCode: null, blocked: true });
    expect(byName.error).toContain('loopback, private or link-local');
    const byAddress = await postJson(new URL(`http://127.0.0.1:${String(port)}/hook`), '{}', {}, options);
    expect(byAddress.blocked).toBe(true);
    expect(received).toBe(0);
    const allowed = await postJson(new URL(`http://localhost:${String(port)}/hook`), '{}', {}, { ...options, allowPrivateNetworks: true });
    expect(allowed).toEqual({ statusCode: 200, error: null, blocked: false });
    expect(received).toBe(1);
  });
});
