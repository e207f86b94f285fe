import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/config.ts';
import { systemClock } from '../../core/clock.ts';
import { MemoryRateCounter } from './rate-counter.ts';
import { securityPlugin } from './security-plugin.ts';
import { startSecurityTestApp, type SecurityTestApp } from '../../testing/security-test-kit.ts';

let kit: SecurityTestApp | undefined;
afterEach(async () => {
  await kit?.close();
  kit = undefined;
});

async function start(env: Record<string, string>): Promise<SecurityTestApp> {
  kit = await startSecurityTestApp({ env });
  return kit;
}

function login(app: SecurityTestApp['app'], email: string, remoteAddress = '203.0.113.7') {
  return app.inject({ method: 'POST', url: '/login', remoteAddress, payload: { email, password: 'wrong' } });
}

describe('rate limits', () => {
  it('refuses the request over the per-IP limit with the error envelope and Retry-After', async () => {
    const { app, clock } = await start({ RATE_LIMIT_PER_IP: '3' });
    for (let i = 0; i < 3; i += 1) expect((await app.inject({ url: '/ping', remoteAddress: '198.51.100.1' })).statusCode).toBe(200);
    clock.advance(20_000);
    const refused = await app.inject({ url: '/ping', remoteAddress: '198.51.100.1' });
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toEqual({ code: 'rate_limited', message: 'Too many requests from this address; retry in 40 s', requestId: expect.any(String) as string });
    expect(refused.headers['retry-after']).toBe('40');
    expect((await app.inject({ url: '/ping', remoteAddress: '198.51.100.2' })).statusCode).toBe(200);
    clock.advance(40_000);
    expect((await app.inject({ url: '/ping', remoteAddress: '198.51.100.1' })).statusCode).toBe(200);
  });

  it('counts IPv6 clients by their /64', async () => {
    const { app } = await start({ RATE_LIMIT_PER_IP: '1' });
    expect((await app.inject({ url: '/ping', remoteAddress: '2001:db8:1:2::1' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/ping', remoteAddress: '2001:db8:1:2::ffff' })).statusCode).toBe(429);
    expect((await app.inject({ url: '/ping', remoteAddress: '2001:db8:1:3::1' })).statusCode).toBe(200);
  });

  it('ignores X-Forwarded-For unless TRUST_PROXY says which proxy may set it', async () => {
    const spoofed = await start({ RATE_LIMIT_PER_IP: '1' });
    const forwarded = (ip: string) => spoofed.app.inject({ url: '/ping', remoteAddress: '10.0.0.5', headers: { 'x-forwarded-for': ip } });
    expect((await forwarded('1.1.1.1')).statusCode).toBe(200);
    expect((await forwarded('2.2.2.2')).statusCode).toBe(429);
    await spoofed.close();

    const proxied = await start({ RATE_LIMIT_PER_IP: '1', TRUST_PROXY: '10.0.0.0/8' });
    const viaProxy = (ip: string) => proxied.app.inject({ url: '/ping', remoteAddress: '10.0.0.5', headers: { 'x-forwarded-for': ip } });
    expect((await viaProxy('1.1.1.1')).statusCode).toBe(200);
    expect((await viaProxy('2.2.2.2')).statusCode).toBe(200);
    expect((await viaProxy('1.1.1.1')).statusCode).toBe(429);
  });

  it('limits each credential across addresses', async () => {
    const { app } = await start({ RATE_LIMIT_PER_CREDENTIAL: '2' });
    const me = (user: string, remoteAddress: string) => app.inject({ url: '/me', remoteAddress, headers: { 'x-test-user': `t1/${user}` } });
    expect((await me('alice', '198.51.100.1')).statusCode).toBe(200);
    expect((await me('alice', '198.51.100.2')).statusCode).toBe(200);
    const refused = await me('alice', '198.51.100.3');
    expect(refused.statusCode).toBe(429);
    expect(refused.json<{ message: string }>().message).toMatch(/^Too many requests with this credential; retry in \d+ s$/);
    expect((await me('bob', '198.51.100.3')).statusCode).toBe(200);
  });

  it('allows 5 login attempts per 15 minutes per (IP, email), whatever the case and spaces of the email', async () => {
    const { app, clock } = await start({});
    const emails = ['Ann@Example.com', ' ann@example.com', 'ANN@EXAMPLE.COM ', 'ann@example.com', 'ann@example.com'];
    for (const email of emails) expect((await login(app, email)).statusCode).toBe(200);
    const refused = await login(app, 'ann@example.com');
    expect(refused.statusCode).toBe(429);
    expect(refused.json<{ code: string; message: string }>()).toMatchObject({ code: 'rate_limited', message: 'Too many login attempts for this account; retry in 900 s' });
    expect((await login(app, 'ann@example.com', '203.0.113.8')).statusCode).toBe(200);
    expect((await login(app, 'bob@example.com')).statusCode).toBe(200);
    clock.advance(15 * 60_000);
    expect((await login(app, 'ann@example.com')).statusCode).toBe(200);
  });

  it('limits login attempts per IP whatever the email', async () => {
    const { app } = await start({ RATE_LIMIT_LOGIN_PER_IP: '3' });
    for (const email of ['a@x.io', 'b@x.io', 'c@x.io']) expect((await login(app, email)).statusCode).toBe(200);
    const refused = await login(app, 'd@x.io');
    expect(refused.statusCode).toBe(429);
    expect(refused.json<{ message: string }>().message).toMatch(/^Too many login attempts from this address/);
    expect((await login(app, 'e@x.io', '203.0.113.9')).statusCode).toBe(200);
  });

  it('lets exactly 5 of 20 concurrent login attempts through', async () => {
    const { app } = await start({});
    const statuses = (await Promise.all(Array.from({ length: 20 }, () => login(app, 'burst@example.com')))).map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(15);
  });

  it('limits call creation per tenant, across the tenant’s users', async () => {
    const { app } = await start({ RATE_LIMIT_CALLS_PER_TENANT: '2' });
    const create = (user: string) => app.inject({ method: 'POST', url: '/calls', headers: { 'x-test-user': user } });
    expect((await create('t1/alice')).statusCode).toBe(200);
    expect((await create('t1/bob')).statusCode).toBe(200);
    const refused = await create('t1/carol');
    expect(refused.statusCode).toBe(429);
    expect(refused.json<{ message: string }>().message).toMatch(/^Too many calls created for this tenant/);
    expect((await create('t2/alice')).statusCode).toBe(200);
  });

  it('refuses a call over the tenant’s concurrent-call cap with concurrent_calls_exceeded', async () => {
    const { app, openCalls } = await start({ MAX_CONCURRENT_CALLS_PER_TENANT: '3' });
    const create = () => app.inject({ method: 'POST', url: '/calls', headers: { 'x-test-user': 't1/alice' } });
    openCalls.set('t1', 2);
    expect((await create()).statusCode).toBe(200);
    openCalls.set('t1', 3);
    const refused = await create();
    expect(refused.statusCode).toBe(429);
    expect(refused.json<{ code: string; message: string }>()).toMatchObject({
      code: 'concurrent_calls_exceeded',
      message: 'This tenant already has 3 calls in progress, the most allowed (3); end one and retry',
    });
  });

  it('refuses a route that sets @fastify/rate-limit’s own config.rateLimit, which would silently do nothing', async () => {
    const app = Fastify();
    app.decorateRequest('principal', null);
    await app.register(securityPlugin, { guards: { config: parseConfig({}).security, counter: new MemoryRateCounter(systemClock), countOpenCalls: () => Promise.resolve(0) } });
    expect(() => app.get('/x', { config: { rateLimit: { max: 1 } } }, () => 'x')).toThrow(/use config.limits/);
    await app.close();
  });
});
