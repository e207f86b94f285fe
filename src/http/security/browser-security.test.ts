import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/config.ts';
import { systemClock } from '../../core/clock.ts';
import { socketIoOriginOptions, swaggerUiCsp } from './browser-security.ts';
import { MemoryRateCounter } from './rate-counter.ts';
import { securityPlugin } from './security-plugin.ts';
import { startSecurityTestApp, type SecurityTestApp } from '../../testing/security-test-kit.ts';

let kit: SecurityTestApp | undefined;
afterEach(async () => {
  await kit?.close();
  kit = undefined;
});

function preflight(app: SecurityTestApp['app'], origin: string) {
  return app.inject({
    method: 'OPTIONS',
    url: '/me',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
  });
}

describe('security headers', () => {
  it('sends helmet’s headers with a CSP that forbids everything on the JSON API', async () => {
    kit = await startSecurityTestApp();
    const response = await kit.app.inject({ url: '/ping' });
    expect(response.headers['content-security-policy']).toBe("default-src 'none';frame-ancestors 'none';base-uri 'none';form-action 'none'");
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(response.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(response.headers['referrer-policy']).toBe('no-referrer');
  });

  it('gives the Swagger UI its own CSP: scripts from this server only, and none of upgrade-insecure-requests, so it works over plain http', async () => {
    const app = Fastify();
    app.decorateRequest('principal', null);
    await app.register(securityPlugin, { guards: { config: parseConfig({}).security, counter: new MemoryRateCounter(systemClock), countOpenCalls: () => Promise.resolve(0) } });
    await app.register(fastifySwagger, { openapi: { info: { title: 't', version: '1' } } });
    await app.register(fastifySwaggerUi, { routePrefix: '/docs', ...swaggerUiCsp });
    const page = await app.inject({ url: '/docs/' });
    expect(page.statusCode).toBe(200);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toMatch(/(^|; )default-src 'self';/);
    expect(csp).toMatch(/script-src 'self'\s*;/);
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(csp).not.toContain('unsafe');
    // Every script of the page is a file this server serves, which `script-src 'self'` allows.
    const scripts = [...page.body.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes = '', body = ''] of scripts) {
      expect(attributes).toMatch(/src="\.\/static\//);
      expect(body.trim()).toBe('');
    }
    expect((await app.inject({ url: '/docs/json' })).statusCode).toBe(200);
    await app.close();
  });
});

describe('CORS', () => {
  it('answers no origin by default: a browser on another origin can read nothing', async () => {
    kit = await startSecurityTestApp();
    const response = await preflight(kit.app, 'https://evil.example');
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    const get = await kit.app.inject({ url: '/ping', headers: { origin: 'https://evil.example' } });
    expect(get.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('allows exactly the configured origins, with the headers a token client needs', async () => {
    kit = await startSecurityTestApp({ env: { CORS_ORIGINS: 'https://app.example.com,http://localhost:5173' } });
    const allowed = await preflight(kit.app, 'https://app.example.com');
    expect(allowed.statusCode).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(String(allowed.headers['access-control-allow-headers'])).toContain('authorization');
    expect(allowed.headers['access-control-allow-credentials']).toBeUndefined();
    expect((await preflight(kit.app, 'https://app.example.com.evil.example')).headers['access-control-allow-origin']).toBeUndefined();
    const get = await kit.app.inject({ url: '/ping', headers: { origin: 'http://localhost:5173' } });
    expect(get.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    expect(String(get.headers['access-control-expose-headers'])).toContain('retry-after');
  });

  it('lets a browser read a 429: CORS headers are set before the rate limit refuses', async () => {
    kit = await startSecurityTestApp({ env: { CORS_ORIGINS: 'https://app.example.com', RATE_LIMIT_PER_IP: '1' } });
    await kit.app.inject({ url: '/ping' });
    const refused = await kit.app.inject({ url: '/ping', headers: { origin: 'https://app.example.com' } });
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['access-control-allow-origin']).toBe('https://app.example.com');
  });
});

describe('Socket.IO origin options', () => {
  function decide(options: ReturnType<typeof socketIoOriginOptions>, headers: Record<string, string>): boolean {
    let allowed: boolean | undefined;
    options.allowRequest?.({ headers } as never, (_error, success) => {
      allowed = success;
    });
    return allowed === true;
  }

  it('refuses a browser upgrade from an origin that is neither allowed nor this server', () => {
    const options = socketIoOriginOptions(['https://app.example.com'], 'https://voice.example.com');
    expect(options.cors).toMatchObject({ origin: ['https://app.example.com'], credentials: false });
    expect(decide(options, { host: 'voice.example.com' })).toBe(true);
    expect(decide(options, { host: 'voice.example.com', origin: 'https://app.example.com' })).toBe(true);
    expect(decide(options, { host: 'voice.example.com', origin: 'https://voice.example.com' })).toBe(true);
    expect(decide(options, { host: '10.0.0.7:3000', origin: 'http://10.0.0.7:3000' })).toBe(true);
    expect(decide(options, { host: 'voice.example.com', origin: 'https://evil.example' })).toBe(false);
  });

  it('sets no CORS at all when no origin is configured', () => {
    expect(socketIoOriginOptions([], 'http://localhost:3000').cors).toBeUndefined();
  });
});
