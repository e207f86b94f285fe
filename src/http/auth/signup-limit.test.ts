import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApplication, type TestApplication } from '../../testing/test-application.ts';

let app: TestApplication;
beforeAll(async () => {
  app = await startTestApplication({ env: { RATE_LIMIT_SIGNUP_PER_IP: '3' } });
});
afterAll(async () => {
  await app.close();
});

const password = 'a long enough passphrase';
const register = (url: string, payload: Record<string, unknown>, remoteAddress: string) => app.http.inject({ method: 'POST', url, payload, remoteAddress });

describe('signup limit', () => {
  it('counts the three register routes together per client IP and refuses the next with Retry-After', async () => {
    const ip = '198.51.100.10';
    expect((await register('/v1/auth/register', { email: 'one@signup.test', password, tenantName: 'One' }, ip)).statusCode).toBe(201);
    expect((await register('/api/auth/register', { email: 'two@signup.test', password, firstName: 'T', lastName: 'Wo' }, ip)).statusCode).toBe(201);
    expect((await register('/api/v1/auth/register', { email: 'three@signup.test', password }, ip)).statusCode).toBe(201);

    const refused = await register('/v1/auth/register', { email: 'four@signup.test', password, tenantName: 'Four' }, ip);
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ code: 'rate_limited', message: expect.stringMatching(/^Too many signups from this address; retry in \d+ s$/) as string });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(3000);
    const lydia = await register('/api/auth/register', { email: 'four@signup.test', password, firstName: 'F', lastName: 'Our' }, ip);
    expect(lydia.statusCode).toBe(429);
    expect(lydia.json()).toMatchObject({ code: 'rate_limited', error: expect.stringContaining('Too many signups') as string });
    const aura = await register('/api/v1/auth/register', { email: 'four@signup.test', password }, ip);
    expect(aura.json()).toMatchObject({ code: 'rate_limited', detail: expect.stringContaining('Too many signups') as string });
  }, 60_000);

  it('counts each address on its own, and failed signups too', async () => {
    const ip = '198.51.100.20';
    for (let i = 0; i < 3; i += 1) {
      const taken = await register('/v1/auth/register', { email: 'one@signup.test', password, tenantName: 'Again' }, ip);
      expect(taken.json()).toMatchObject({ code: 'email_taken' });
    }
    expect((await register('/v1/auth/register', { email: 'five@signup.test', password, tenantName: 'Five' }, ip)).statusCode).toBe(429);
    expect((await register('/v1/auth/register', { email: 'five@signup.test', password, tenantName: 'Five' }, '198.51.100.21')).statusCode).toBe(201);
  }, 60_000);
});
