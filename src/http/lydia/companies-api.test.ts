import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertCompanyProfile } from '../../store/queries/company-profiles.ts';
import { createTestApiKey, createTestUser, startTestApplication, type TestApplication } from '../../testing/test-application.ts';

let app: TestApplication;
beforeAll(async () => {
  app = await startTestApplication();
});
afterAll(async () => {
  await app.close();
});

type Headers = Record<string, string>;
const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, headers: Headers, payload?: object) =>
  app.http.inject({ method, url, headers, ...(payload ? { payload } : {}) });

async function company(): Promise<{ id: string; admin: Headers; member: Headers }> {
  const admin = await createTestUser(app, { role: 'admin' });
  const member = await createTestUser(app, { role: 'member', tenant: admin.tenant });
  return { id: admin.tenant.id, admin: admin.headers, member: member.headers };
}

describe('the caller’s own company', () => {
  it('GET / lists only it; GET /:id gives it with every section defaulted', async () => {
    const c = await company();
    await company();
    const list = (await call('GET', '/api/companies', c.member)).json<{ companies: { id: string }[] }>();
    expect(list.companies.map((x) => x.id)).toEqual([c.id]);
    const res = await call('GET', `/api/companies/${c.id}`, c.member);
    expect(res.json()).toMatchObject({
      success: true,
      company: {
        id: c.id,
        _id: c.id,
        settings: {},
        businessHours: { timeZone: 'Europe/Paris', monday: { open: '09:00', close: '18:00', closed: false }, sunday: { closed: true } },
        voiceConfig: { voice: 'Polly.Léa', language: 'fr-FR', speed: 1, pitch: 1 },
        customResponses: [],
        transferSettings: { enabled: false, phoneNumber: null },
        voiceAssistant: { prompts: { welcomePrompt: expect.stringContaining('{{companyName}}') as string }, companyInfo: { products: [], services: [], faq: [] } },
      },
    });
  });

  it('another company’s id, an unknown one and a malformed one are all 404 company_not_found, for every route', async () => {
    const c = await company();
    const other = await company();
    const ids = [other.id, crypto.randomUUID(), 'not-an-id'];
    const routes: [method: 'GET' | 'PUT' | 'POST' | 'DELETE', suffix: string, payload?: object][] = [
      ['GET', ''],
      ['PUT', '', { name: 'Taken over' }],
      ['GET', '/settings'],
      ['PUT', '/settings', { settings: { a: 1 } }],
      ['GET', '/voice-assistant'],
      ['PUT', '/voice-assistant', { prompts: { welcomePrompt: 'Hi' } }],
      ['GET', '/business-hours'],
      ['PUT', '/business-hours', { timeZone: 'UTC' }],
      ['GET', '/voice-config'],
      ['PUT', '/voice-config', { speed: 2 }],
      ['GET', '/custom-responses'],
      ['PUT', '/custom-responses', { customResponses: [] }],
      ['POST', '/custom-responses', { keyword: 'prix', response: 'Gratuit' }],
      ['DELETE', `/custom-responses/${crypto.randomUUID()}`],
      ['GET', '/transfer-settings'],
      ['PUT', '/transfer-settings', { enabled: false }],
    ];
    for (const id of ids) {
      for (const [method, suffix, payload] of routes) {
        const res = await call(method, `/api/companies/${id}${suffix}`, c.admin, payload);
        expect(res.statusCode, `${method} ${suffix} ${id}`).toBe(404);
        expect(res.json()).toMatchObject({ code: 'company_not_found', error: 'Company not found' });
      }
    }
    // Nothing of the other company changed.
    expect((await call('GET', `/api/companies/${other.id}`, other.admin)).json()).toMatchObject({ company: { settings: {}, customResponses: [] } });
  });

  it('members and read keys read it; only admins and admin keys change it', async () => {
    const c = await company();
    const readKey = await createTestApiKey(app, { tenantId: c.id, scopes: ['read', 'write', 'calls'] });
    const adminKey = await createTestApiKey(app, { tenantId: c.id, scopes: ['admin'] });
    expect((await call('GET', `/api/companies/${c.id}/voice-config`, readKey.headers)).statusCode).toBe(200);
    const refused = await call('PUT', `/api/companies/${c.id}/voice-config`, c.member, { speed: 1.5 });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ code: 'forbidden', error: expect.stringContaining('"admin" scope') as string });
    expect((await call('PUT', `/api/companies/${c.id}/voice-config`, readKey.headers, { speed: 1.5 })).statusCode).toBe(403);
    expect((await call('PUT', `/api/companies/${c.id}/voice-config`, adminKey.headers, { speed: 1.5 })).json()).toMatchObject({ voiceConfig: { speed: 1.5 } });
  });
});

describe('changing it', () => {
  it('PUT /:id renames the tenant and keeps contact details; null clears one', async () => {
    const c = await company();
    const address = { street: '1 rue de la Paix', city: 'Paris', postalCode: '75002', country: 'FR' };
    const res = await call('PUT', `/api/companies/${c.id}`, c.admin, { name: 'Boulangerie Martin', description: 'Pain', phone: '01 23 45 67 89', website: 'https://martin.test', address });
    expect(res.json()).toMatchObject({ company: { name: 'Boulangerie Martin', description: 'Pain', phone: '01 23 45 67 89', address } });
    const cleared = await call('PUT', `/api/companies/${c.id}`, c.admin, { description: null });
    expect(cleared.json()).toMatchObject({ company: { name: 'Boulangerie Martin', description: null, phone: '01 23 45 67 89' } });
    expect((await app.http.inject({ url: '/v1/auth/me', headers: c.admin })).json()).toMatchObject({ tenant: { name: 'Boulangerie Martin' } });
  });

  it('business hours: days given replace the stored ones; open < close and a real IANA zone are required', async () => {
    const c = await company();
    const url = `/api/companies/${c.id}/business-hours`;
    const ok = await call('PUT', url, c.admin, { timeZone: 'America/New_York', saturday: { open: '10:00', close: '13:00', closed: false } });
    expect(ok.json()).toMatchObject({ businessHours: { timeZone: 'America/New_York', saturday: { open: '10:00', closed: false }, monday: { open: '09:00' } } });
    const backwards = await call('PUT', url, c.admin, { monday: { open: '18:00', close: '09:00', closed: false } });
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json()).toMatchObject({ code: 'validation_failed', error: 'The request is invalid', details: [{ path: 'body.monday.close', message: 'open must be before close' }] });
    const zone = await call('PUT', url, c.admin, { timeZone: 'Paris' });
    expect(zone.json()).toMatchObject({ details: [{ path: 'body.timeZone', message: expect.stringContaining('IANA') as string }] });
    expect((await call('PUT', url, c.admin, { timeZone: '+02:00' })).statusCode).toBe(400);
    expect((await call('PUT', url, c.admin, { holidays: [] })).json()).toMatchObject({ details: [{ path: 'body.holidays' }] });
  });

  it('voice config: Twilio voices, a language tag, speed and pitch within 0.5–2', async () => {
    const c = await company();
    const url = `/api/companies/${c.id}/voice-config`;
    expect((await call('PUT', url, c.admin, { voice: 'Polly.Mathieu', pitch: 0.5 })).json()).toMatchObject({ voiceConfig: { voice: 'Polly.Mathieu', language: 'fr-FR', pitch: 0.5 } });
    for (const bad of [{ voice: 'Bob' }, { language: 'french' }, { speed: 2.5 }, { pitch: 0.4 }]) {
      expect((await call('PUT', url, c.admin, bad)).statusCode, JSON.stringify(bad)).toBe(400);
    }
  });

  it('custom responses: POST adds or changes by keyword (201 / 200), PUT replaces, DELETE removes; bounded', async () => {
    const c = await company();
    const url = `/api/companies/${c.id}/custom-responses`;
    const added = await call('POST', url, c.admin, { keyword: 'Horaires', response: 'Ouvert de 9 h à 18 h.' });
    expect(added.statusCode).toBe(201);
    const id = added.json<{ customResponse: { id: string } }>().customResponse.id;
    const changed = await call('POST', url, c.admin, { keyword: 'horaires', response: 'Ouvert de 8 h à 19 h.' });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ customResponse: { id, keyword: 'horaires' }, customResponses: [{ id, response: 'Ouvert de 8 h à 19 h.' }] });
    const replaced = await call('PUT', url, c.admin, { customResponses: [{ keyword: 'prix', response: 'Sur devis.' }, { id, keyword: 'horaires', response: 'Toujours.' }] });
    expect(replaced.json<{ customResponses: { keyword: string }[] }>().customResponses.map((r) => r.keyword)).toEqual(['prix', 'horaires']);
    expect((await call('DELETE', `${url}/${id}`, c.admin)).json()).toMatchObject({ customResponses: [{ keyword: 'prix' }] });
    expect((await call('DELETE', `${url}/${id}`, c.admin)).statusCode).toBe(200);
    expect((await call('POST', url, c.admin, { keyword: 'x', response: 'y'.repeat(1001) })).statusCode).toBe(400);
    const dup = await call('PUT', url, c.admin, { customResponses: [{ keyword: 'Hôtel', response: 'a' }, { keyword: 'hotel', response: 'b' }] });
    expect(dup.json()).toMatchObject({ details: [{ path: 'body.customResponses.1.keyword' }] });
    const many = Array.from({ length: 100 }, (_, i) => ({ keyword: `k${i}`, response: 'r' }));
    expect((await call('PUT', url, c.admin, { customResponses: many })).statusCode).toBe(200);
    const overflow = await call('POST', url, c.admin, { keyword: 'one more', response: 'r' });
    expect(overflow.statusCode).toBe(400);
  });

  it('transfer settings: an E.164 number, required while enabled', async () => {
    const c = await company();
    const url = `/api/companies/${c.id}/transfer-settings`;
    const noNumber = await call('PUT', url, c.admin, { enabled: true });
    expect(noNumber.json()).toMatchObject({ code: 'validation_failed', details: [{ path: 'body.phoneNumber', message: 'is required when transfer is enabled' }] });
    expect((await call('PUT', url, c.admin, { phoneNumber: '01 23 45 67 89' })).statusCode).toBe(400);
    expect((await call('PUT', url, c.admin, { enabled: true, phoneNumber: '+33123456789', message: 'Un instant.' })).json()).toMatchObject({
      transferSettings: { enabled: true, phoneNumber: '+33123456789', message: 'Un instant.' },
    });
    expect((await call('PUT', url, c.admin, { phoneNumber: null })).statusCode).toBe(400);
  });

  it('settings and voice assistant: bounded; prompts may only use {{companyName}}', async () => {
    const c = await company();
    expect((await call('PUT', `/api/companies/${c.id}/settings`, c.admin, { settings: { theme: 'dark', notify: { email: true } } })).json()).toMatchObject({ settings: { theme: 'dark' } });
    expect((await call('GET', `/api/companies/${c.id}/settings`, c.member)).json()).toEqual({ success: true, settings: { theme: 'dark', notify: { email: true } } });
    const tooBig = await call('PUT', `/api/companies/${c.id}/settings`, c.admin, { settings: { blob: 'x'.repeat(17_000) } });
    expect(tooBig.statusCode).toBe(400);
    const url = `/api/companies/${c.id}/voice-assistant`;
    const ok = await call('PUT', url, c.admin, { prompts: { welcomePrompt: 'Bonjour, ici {{ companyName }}.' }, companyInfo: { products: ['Pain'], faq: [{ question: 'Livrez-vous ?', answer: 'Oui.' }] } });
    expect(ok.json()).toMatchObject({ voiceAssistant: { prompts: { welcomePrompt: 'Bonjour, ici {{ companyName }}.', followUpPrompt: 'Puis-je vous aider avec autre chose ?' }, companyInfo: { products: ['Pain'], services: [] } } });
    const unknown = await call('PUT', url, c.admin, { prompts: { welcomePrompt: 'Bonjour {{callerName}}' } });
    expect(unknown.json()).toMatchObject({ details: [{ path: 'body.prompts.welcomePrompt', message: expect.stringContaining('{{callerName}}') as string }] });
  });

  it('a stored section that no longer matches its schema is a 500 that reveals nothing', async () => {
    const c = await company();
    await upsertCompanyProfile(app.database.db, { tenantId: c.id, changes: { voiceConfig: { voice: 'Polly.Léa', speed: 9 } } });
    const res = await call('GET', `/api/companies/${c.id}/voice-config`, c.admin);
    expect(res.statusCode).toBe(500);
    expect(res.json()).toMatchObject({ code: 'internal_error', error: 'Internal server error' });
  });
});

describe('operator routes', () => {
  const operatorKey = 'lydia-operator-key-0123456789abcdefghijkl';
  it('create and delete companies with ADMIN_API_KEY only', async () => {
    const op = await startTestApplication({ env: { ADMIN_API_KEY: operatorKey } });
    try {
      const operator = { authorization: `Bearer ${operatorKey}` };
      const created = await op.http.inject({ method: 'POST', url: '/api/companies', headers: operator, payload: { name: 'Cabinet Durand', phone: '+33 1 23 45 67 89' } });
      expect(created.statusCode).toBe(201);
      const id = created.json<{ company: { id: string } }>().company.id;
      expect(created.json()).toMatchObject({ company: { name: 'Cabinet Durand', phone: '+33 1 23 45 67 89', slug: 'cabinet-durand' } });
      const tenantAdmin = await createTestUser(op, { role: 'admin', tenant: id });
      const refused = await op.http.inject({ method: 'DELETE', url: `/api/companies/${id}`, headers: tenantAdmin.headers });
      expect(refused.statusCode).toBe(403);
      expect(refused.json<{ error: string }>().error).toContain('operator key');
      expect((await op.http.inject({ method: 'POST', url: '/api/companies', payload: { name: 'X' } })).statusCode).toBe(401);
      expect((await op.http.inject({ method: 'DELETE', url: `/api/companies/${id}`, headers: operator })).json()).toEqual({ success: true, message: 'Company deleted' });
      expect((await op.http.inject({ url: '/api/auth/me', headers: tenantAdmin.headers })).statusCode).toBe(401);
      expect((await op.http.inject({ method: 'DELETE', url: `/api/companies/${id}`, headers: operator })).statusCode).toBe(404);
      expect((await op.http.inject({ method: 'DELETE', url: '/api/companies/not-an-id', headers: operator })).statusCode).toBe(404);
    } finally {
      await op.close();
    }
  });

  it('refuse to delete a company with a call in progress', async () => {
    const op = await startTestApplication({ env: { ADMIN_API_KEY: operatorKey } });
    try {
      const user = await createTestUser(op, { role: 'admin' });
      expect((await op.http.inject({ method: 'POST', url: '/v1/calls', headers: user.headers, payload: {} })).statusCode).toBe(201);
      const res = await op.http.inject({ method: 'DELETE', url: `/api/companies/${user.tenant.id}`, headers: { 'x-api-key': operatorKey } });
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({ code: 'call_in_progress' });
    } finally {
      await op.close();
    }
  });
});
