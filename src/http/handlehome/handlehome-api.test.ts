import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../core/ids.ts';
import { handlehomeRecordsStep } from '../../jobs/handlehome/records-step.ts';
import { createAgent } from '../../store/queries/agents.ts';
import { agentFromTemplate } from '../../services/agent-templates.ts';
import { analyzedEvent, handlehomeExtraction, seedHandlehomeCall } from '../../testing/handlehome-fixtures.ts';
import { ManualClock } from '../../testing/manual-clock.ts';
import { createTestApiKey, createTestTenant, startTestApplication, type TestApplication } from '../../testing/test-application.ts';

// Friday 2026-11-20, 10:00 in Paris; default business hours Monday to Friday 09:00-18:00.
const clock = new ManualClock(Date.UTC(2026, 10, 20, 9, 0, 0));
let app: TestApplication;
let tenantId: string;
let key: { 'x-api-key': string };
let readKey: { 'x-api-key': string };
let strangerKey: { 'x-api-key': string };

beforeAll(async () => {
  app = await startTestApplication({ clock });
  const tenant = await createTestTenant(app);
  tenantId = tenant.id;
  key = (await createTestApiKey(app, { tenantId, scopes: ['read', 'write', 'admin'] })).headers;
  readKey = (await createTestApiKey(app, { tenantId, scopes: ['read'] })).headers;
  strangerKey = (await createTestApiKey(app, { tenantId: (await createTestTenant(app, 'Stranger')).id, scopes: ['read', 'write', 'admin'] })).headers;
});
afterAll(async () => {
  await app.close();
});

type Json = Record<string, unknown> & { data: Record<string, unknown> & Record<string, unknown>[] };
async function call(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown, headers: Record<string, string> = key) {
  const res = await app.http.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
  return { status: res.statusCode, body: res.json<Json>() };
}

/** A call analysed by the records step, as after a real call. */
async function analysedCall(from: string | null, extraction: Record<string, unknown>): Promise<string> {
  const agent = await createAgent(app.database.db, { tenantId, ownerUserId: null, isDefault: false, fields: agentFromTemplate('handlehome') });
  const seeded = await seedHandlehomeCall(app.database.db, { tenantId, agent, from, startedAt: new Date(clock.nowMs()) });
  await app.database.db.transaction((tx) => handlehomeRecordsStep(tx, analyzedEvent(seeded, extraction, new Date(clock.nowMs()))));
  return seeded.id;
}

describe('HandleHome clients', () => {
  it('creates a client with a normalised phone, refuses a bad or duplicate one with the seed’s error field', async () => {
    const bad = await call('POST', '/api/clients', { prenom: 'Léa', nom: 'Martin', telephone: '06 12' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'validation_failed', error: 'The request is invalid', details: [{ path: 'body.telephone' }] });
    const created = await call('POST', '/api/clients', { prenom: 'Léa', nom: 'Martin', telephone: '06 12 34 56 78', email: 'lea@example.com' });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({ prenom: 'Léa', nom: 'Martin', telephone: '+33612345678', email: 'lea@example.com', adresse: null });
    expect(created.body.data._id).toBe(created.body.data.id);
    const duplicate = await call('POST', '/api/clients', { prenom: 'L', nom: 'M', telephone: '+33 6 12 34 56 78' });
    expect(duplicate).toMatchObject({ status: 409, body: { code: 'customer_phone_taken' } });
    expect((await call('POST', '/api/clients', { prenom: 'Léa', nom: 'Martin', telephone: '0698765432', unknown: 1 })).status).toBe(400);

    const id = String(created.body.data.id);
    expect((await call('GET', `/api/clients/${id}`)).body.data).toMatchObject({ telephone: '+33612345678' });
    expect((await call('GET', `/api/clients/${id}`, undefined, strangerKey)).status).toBe(404);
    expect((await call('GET', '/api/clients/not-an-id')).status).toBe(400);
    expect((await call('PATCH', `/api/clients/${id}`, { adresse: '1 rue de la Paix' })).body.data).toMatchObject({ adresse: '1 rue de la Paix' });
    const list = await call('GET', '/api/clients?query=mart&limit=5');
    expect(list.body).toMatchObject({ success: true, page: 1, limit: 5, total: 1 });
  });

  it('needs a credential, and a write scope to change anything', async () => {
    const anonymous = await call('GET', '/api/clients', undefined, {});
    expect(anonymous).toMatchObject({ status: 401, body: { code: 'unauthenticated' } });
    expect(typeof anonymous.body.error).toBe('string');
    expect((await call('POST', '/api/clients', { prenom: 'A', nom: 'B', telephone: '0611111112' }, readKey)).status).toBe(403);
    expect((await call('GET', '/api/clients', undefined, readKey)).status).toBe(200);
  });
});

describe('HandleHome call records', () => {
  it('lists, finds by phone in any format, gets with client and order, and changes status along allowed transitions', async () => {
    const callId = await analysedCall('+33655555501', handlehomeExtraction({ prenom: 'Paul', nom: 'Durand' }));
    const byPhone = await call('GET', '/api/calls?telephone=06%2055%2055%2055%2001');
    expect(byPhone.body).toMatchObject({ success: true, total: 1 });
    const record = (byPhone.body.data as Record<string, unknown>[])[0] ?? {};
    expect(record).toMatchObject({
      callId,
      prenom: 'Paul',
      nom: 'Durand',
      telephone: '+33655555501',
      type_demande: 'Commande à emporter',
      statut: 'nouveau',
      client: { telephone: '+33655555501', prenom: 'Paul' },
    });
    expect(record.related_order).toEqual(expect.any(String));
    expect((await call('GET', '/api/calls?date=2026-11-20&nom=durand')).body.total).toBe(1);
    // A fragment as people type it, with the trunk zero the stored E.164 number does not have.
    expect((await call('GET', '/api/calls?telephone=06%2055%2055')).body.total).toBe(1);
    expect((await call('GET', '/api/calls?date=2026-11-21')).body.total).toBe(0);
    const days = await call('GET', '/api/calls/dates');
    expect(days.body.data).toContainEqual({ date: '2026-11-20', statut: 'nouveau', count: 1 });
    expect((await call('GET', '/api/calls/dates/2026-11-20')).body.data).toHaveLength(1);

    const id = String(record.id);
    expect((await call('PATCH', `/api/calls/${id}/status`, { statut: 'en_cours' })).body).toMatchObject({ success: true, data: { statut: 'en_cours' } });
    expect((await call('PATCH', `/api/calls/${id}/status`, { statut: 'termine' })).status).toBe(200);
    const refused = await call('PATCH', `/api/calls/${id}/status`, { statut: 'annule' });
    expect(refused).toMatchObject({ status: 409, body: { code: 'invalid_state_transition' } });
    expect(String(refused.body.error)).toContain('allowed: en_cours');
    expect((await call('PATCH', `/api/calls/${id}/status`, { statut: 'fini' })).status).toBe(400);
    expect((await call('PATCH', `/api/calls/${id}/status`, { statut: 'en_cours' }, strangerKey)).status).toBe(404);
  });

  it('gives a record without client (no real number) one from the corrected fields', async () => {
    await analysedCall(null, handlehomeExtraction({ prenom: 'Zoé', nom: 'Sansnuméro', order: null }));
    const found = await call('GET', '/api/calls?nom=sansnum');
    const record = (found.body.data as Record<string, unknown>[])[0] ?? {};
    expect(record).toMatchObject({ client: null, telephone: null, nom: 'Sansnuméro' });
    const updated = await call('PUT', `/api/calls/${String(record.id)}/client`, { prenom: 'Zoé', nom: 'Sansnuméro', telephone: '07 11 22 33 44', description: 'Rappeler demain' });
    expect(updated.body.data).toMatchObject({ client: { telephone: '+33711223344', nom: 'Sansnuméro' }, call: { description: 'Rappeler demain' } });
    expect((await call('PUT', `/api/calls/${String(record.id)}/client`, {})).status).toBe(400);
  });
});

describe('HandleHome orders', () => {
  it('books checked slots, refuses taken or closed ones with 409 unless forced, and keeps status transitions', async () => {
    const client = await call('POST', '/api/clients', { prenom: 'Ana', nom: 'Lopez', telephone: '+34 612 345 678' });
    const clientId = String(client.body.data.id);
    const order = {
      client: clientId,
      date: '2026-11-23',
      heure: '12:00',
      duree: 60,
      type: 'Réservation de table',
      nombrePersonnes: 4,
      commandes: [{ nom: 'Menu midi', quantite: 4, prixUnitaire: 14.9 }],
    };
    const created = await call('POST', '/api/orders', order);
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({ date: '2026-11-23', heure: '12:00', modalite: 'Sur place', statut: 'confirme', createdBy: 'manual', total: 59.6, client: { nom: 'Lopez' } });
    expect((created.body.data.commandes as unknown[])[0]).toEqual({ produitId: null, nom: 'Menu midi', categorie: null, quantite: 4, prixUnitaire: 14.9, supplements: [], personnalisation: null });

    const taken = await call('POST', '/api/orders', { ...order, heure: '12:30' });
    expect(taken).toMatchObject({ status: 409, body: { code: 'slot_unavailable' } });
    expect(String(taken.body.error)).toContain('fully booked');
    expect((await call('POST', '/api/orders', { ...order, date: '2026-11-22' })).body).toMatchObject({ code: 'slot_unavailable', message: expect.stringContaining('closed') as unknown });
    expect((await call('POST', '/api/orders', { ...order, date: '2026-11-22', force: true })).status).toBe(201);
    expect((await call('POST', '/api/orders', { ...order, client: undefined })).status).toBe(400);
    expect((await call('POST', '/api/orders', { ...order, client: newId() })).body.code).toBe('customer_not_found');
    expect((await call('POST', '/api/orders', { ...order, commandes: [{ nom: 'X', quantite: 1, prixUnitaire: 1.234 }] })).status).toBe(400);

    expect((await call('GET', '/api/orders/availability?date=2026-11-23&heure=12:30&duree=30')).body).toEqual({ success: true, available: false, conflicts: 1, reason: 'the slot is fully booked' });
    expect((await call('GET', '/api/orders/availability?date=2026-11-23&heure=25:00')).status).toBe(400);
    const slots = await call('GET', '/api/orders/ai/available-slots?date=2026-11-23');
    expect(slots.body.occupiedSlots).toEqual(['11:30', '12:00', '12:30']);

    const id = String(created.body.data.id);
    expect((await call('PUT', `/api/orders/${id}`, { heure: '15:00' })).body.data).toMatchObject({ heure: '15:00' });
    expect((await call('GET', '/api/orders?date=2026-11-23&statut=confirme')).body).toMatchObject({ pagination: { page: 1, limit: 10, total: 1, pages: 1 } });
    expect((await call('PATCH', `/api/orders/${id}/status`, { statut: 'termine' })).status).toBe(200);
    expect((await call('PATCH', `/api/orders/${id}/status`, { statut: 'confirme' })).body).toMatchObject({ code: 'invalid_state_transition' });

    const history = await call('GET', `/api/clients/${clientId}/history`);
    expect((history.body.data.orders as unknown[]).length).toBe(2);
    const search = await call('GET', '/api/search?query=%2B34%20612%20345%20678');
    expect(search.body.data).toMatchObject({ clients: [{ nom: 'Lopez' }], totalResults: 3 });
    expect((await call('GET', '/api/search?query=%25')).status).toBe(400);
    expect((await call('GET', '/api/search?query=%25%25')).body.data).toMatchObject({ totalResults: 0 });
  });

  it('applies the tenant’s booking rules', async () => {
    expect((await call('GET', '/api/booking-rules')).body.data).toMatchObject({ rules: { slotMinutes: 30, capacity: 1, defaultRegion: 'FR' }, businessHours: { timeZone: 'Europe/Paris' } });
    expect((await call('PATCH', '/api/booking-rules', { capacity: 2 }, readKey)).status).toBe(403);
    expect((await call('PATCH', '/api/booking-rules', { capacity: 0 })).status).toBe(400);
    expect((await call('PATCH', '/api/booking-rules', { capacity: 2, slotMinutes: 15 })).body.data).toMatchObject({ rules: { capacity: 2, slotMinutes: 15, defaultDurationMin: 60 } });
    expect((await call('GET', '/api/orders/availability?date=2026-11-23&heure=11:45')).body).toMatchObject({ available: true });
  });
});
