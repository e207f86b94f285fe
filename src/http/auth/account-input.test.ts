import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApplication, type TestApplication } from '../../testing/test-application.ts';
import { liftedLoginLimits } from '../../testing/test-application-fixtures.ts';

let app: TestApplication;
beforeAll(async () => {
  app = await startTestApplication({ env: liftedLoginLimits });
});
afterAll(async () => {
  await app.close();
});

const password = 'a long enough passphrase';
const post = (url: string, payload: Record<string, unknown>) => app.http.inject({ method: 'POST', url, payload });

describe('emails are trimmed wherever they are accepted', () => {
  it('at signup and login, on every surface', async () => {
    const res = await post('/v1/auth/register', { email: '  Trim@Example.TEST\t', password, tenantName: 'Trim' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ user: { email: 'trim@example.test' } });
    expect((await post('/v1/auth/login', { email: ' trim@example.test ', password })).statusCode).toBe(200);
    expect((await post('/api/auth/login', { email: '\ttrim@example.test', password })).statusCode).toBe(200);
    expect((await post('/api/v1/auth/login', { email: 'trim@example.test  ', password })).statusCode).toBe(200);
    expect((await post('/api/auth/register', { email: ' lydia@example.test ', password, firstName: 'L', lastName: 'Y' })).statusCode).toBe(201);
    expect((await post('/api/v1/auth/register', { email: ' aura@example.test ', password })).json()).toMatchObject({ email: 'aura@example.test' });
  }, 60_000);

  it('still refuses what is not an email, naming the field', async () => {
    expect((await post('/v1/auth/register', { email: ' not an email ', password, tenantName: 'X' })).json()).toMatchObject({
      code: 'validation_failed',
      details: [{ path: 'body.email', message: 'must be an email address' }],
    });
  }, 60_000);
});

describe('the password policy at the HTTP edge', () => {
  it('refuses blank, short-without-spaces and common passwords with a message for each', async () => {
    const problem = async (candidate: string) =>
      (await post('/v1/auth/register', { email: 'policy@example.test', password: candidate, tenantName: 'P' })).json<{ details?: { path: string; message: string }[] }>().details;
    expect(await problem(' '.repeat(16))).toEqual([{ path: 'body.password', message: 'must not be blank' }]);
    expect(await problem('a b c d e f g h')).toEqual([{ path: 'body.password', message: 'must be at least 10 characters, not counting spaces' }]);
    expect(await problem('qwertyuiop')).toEqual([{ path: 'body.password', message: 'is one of the most common passwords; choose another' }]);
  }, 60_000);
});

describe('messages', () => {
  it('say a whitespace-only name must not be blank', async () => {
    const res = await post('/v1/auth/register', { email: 'blank@example.test', password, tenantName: '   ' });
    expect(res.json()).toMatchObject({ code: 'validation_failed', details: [{ path: 'body.tenantName', message: 'must not be blank' }] });
    const lydia = await post('/api/auth/register', { email: 'blank@example.test', password, firstName: ' ', lastName: 'X' });
    expect(lydia.json()).toMatchObject({ details: [{ path: 'body.firstName', message: 'must not be blank' }] });
  }, 60_000);

  it('add WWW-Authenticate: Bearer to every 401, on every surface', async () => {
    for (const url of ['/v1/auth/me', '/api/auth/me', '/api/v1/auth/me', '/v1/calls']) {
      const res = await app.http.inject({ url });
      expect(res.statusCode, url).toBe(401);
      expect(res.headers['www-authenticate'], url).toBe('Bearer');
    }
    const wrong = await post('/v1/auth/login', { email: 'trim@example.test', password: 'not the password' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers['www-authenticate']).toBe('Bearer');
    expect((await app.http.inject({ url: '/v1/calls/nope', headers: { authorization: 'Bearer x' } })).headers['www-authenticate']).toBe('Bearer');
  }, 60_000);
});
