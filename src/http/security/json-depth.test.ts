import { afterEach, describe, expect, it } from 'vitest';
import { jsonNestsDeeperThan } from './json-depth.ts';
import { startSecurityTestApp, type SecurityTestApp } from '../../testing/security-test-kit.ts';

const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('jsonNestsDeeperThan', () => {
  it('counts arrays and objects, not brackets inside strings', () => {
    expect(jsonNestsDeeperThan(nested(32), 32)).toBe(false);
    expect(jsonNestsDeeperThan(nested(33), 32)).toBe(true);
    expect(jsonNestsDeeperThan('{"a":{"b":[1,{"c":2}]}}', 4)).toBe(false);
    expect(jsonNestsDeeperThan('{"a":{"b":[1,{"c":2}]}}', 3)).toBe(true);
    expect(jsonNestsDeeperThan(`{"text":"${'[{'.repeat(100)}"}`, 1)).toBe(false);
    expect(jsonNestsDeeperThan(`{"text":"quote \\" then ${'['.repeat(100)}"}`, 1)).toBe(false);
  });
});

describe('JSON body depth limit', () => {
  let kit: SecurityTestApp | undefined;
  afterEach(async () => {
    await kit?.close();
  });

  it('refuses a body nested deeper than JSON_MAX_DEPTH with json_too_deep, before parsing', async () => {
    kit = await startSecurityTestApp({ env: { JSON_MAX_DEPTH: '8' } });
    const post = (payload: string) => kit!.app.inject({ method: 'POST', url: '/login', headers: { 'content-type': 'application/json' }, payload });
    expect((await post(`{"email":"a@b.c","x":${nested(7)}}`)).statusCode).toBe(200);
    const refused = await post(`{"email":"a@b.c","x":${nested(8)}}`);
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ code: 'json_too_deep', message: 'The JSON body nests deeper than 8 levels' });
    // A hostile body far deeper than the JSON parser's own stack is refused the same way.
    expect((await post(nested(200_000))).json()).toMatchObject({ code: 'json_too_deep' });
  });

  it('keeps Fastify’s own JSON errors and prototype-poisoning protection, naming the forbidden key', async () => {
    kit = await startSecurityTestApp();
    const post = (payload: string) => kit!.app.inject({ method: 'POST', url: '/login', headers: { 'content-type': 'application/json' }, payload });
    expect((await post('{"email":')).json()).toMatchObject({ code: 'invalid_json' });
    const proto = await post('{"__proto__":{"admin":true}}');
    expect(proto.statusCode).toBe(400);
    expect(proto.json()).toMatchObject({ code: 'invalid_json', message: 'Body contains a forbidden key __proto__' });
    expect((await post('{"a":{"constructor":{"prototype":{"admin":true}}}}')).json()).toMatchObject({ code: 'invalid_json', message: 'Body contains a forbidden key constructor.prototype' });
    expect((await post('{"text":"__proto__ in a string is fine"}')).statusCode).toBe(200);
  });

  it('takes an empty JSON body as no body, so bodyless routes accept it', async () => {
    kit = await startSecurityTestApp();
    for (const payload of ['', '  \n']) {
      const res = await kit.app.inject({ method: 'POST', url: '/login', headers: { 'content-type': 'application/json' }, payload });
      expect(res.statusCode, res.body).toBe(200);
    }
  });
});
