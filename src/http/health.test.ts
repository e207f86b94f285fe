import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApplication, type TestApplication } from '../testing/test-application.ts';

let app: TestApplication;
beforeAll(async () => {
  app = await startTestApplication();
});
afterAll(async () => {
  await app.close();
});

describe('health and documentation', () => {
  it('answers /health and /ready', async () => {
    expect((await app.http.inject({ url: '/health' })).json()).toEqual({ status: 'ok' });
    const ready = await app.http.inject({ url: '/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ready' });
  });

  it('serves an OpenAPI 3 document listing the calls, agents and Aero routes, and a browsable UI', async () => {
    const doc = (await app.http.inject({ url: '/docs/json' })).json<{ openapi: string; paths: Record<string, unknown> }>();
    expect(doc.openapi).toMatch(/^3\./);
    for (const path of ['/v1/calls/', '/v1/calls/{callId}', '/v1/calls/{callId}/transcript', '/v1/calls/{callId}/end', '/v1/agents/', '/api/calls/start', '/api/calls/end/{callId}', '/api/calls/history/{userId}', '/api/calls/language', '/health', '/ready', '/v1/auth/login', '/v1/auth/me', '/v1/users/', '/v1/api-keys/', '/v1/admin/tenants']) {
      expect(Object.keys(doc.paths), path).toContain(path);
    }
    const paths = doc.paths as Record<string, Record<string, { security?: unknown[] }>>;
    expect(paths['/v1/auth/login']?.post?.security).toEqual([]);
    expect(paths['/v1/calls/']?.get?.security).toBeUndefined();
    const ui = await app.http.inject({ url: '/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.headers['content-type']).toContain('text/html');
  });

  it('echoes a sane x-request-id and replaces an unsafe one', async () => {
    const kept = await app.http.inject({ url: '/health', headers: { 'x-request-id': 'abc-123' } });
    expect(kept.headers['x-request-id']).toBe('abc-123');
    const replaced = await app.http.inject({ url: '/health', headers: { 'x-request-id': 'bad id\nwith newline' } });
    expect(replaced.headers['x-request-id']).not.toContain(' ');
  });

  it('answers unknown routes with the error envelope', async () => {
    const res = await app.http.inject({ url: '/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'route_not_found', requestId: res.headers['x-request-id'] });
  });
});

describe('readiness when the database is gone', () => {
  it('reports 503 database_unavailable', async () => {
    const broken = await startTestApplication();
    await broken.database.close();
    const res = await broken.http.inject({ url: '/ready' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ code: 'database_unavailable' });
    expect(JSON.stringify(res.json())).not.toMatch(/at .*\.ts/);
    await broken.http.close();
  });
});
