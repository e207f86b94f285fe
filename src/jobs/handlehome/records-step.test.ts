import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../store/database.ts';
import { updateRequest } from '../../store/queries/handlehome-requests.ts';
import { handlehomeCustomers } from '../../store/schema/handlehome-customers.ts';
import { handlehomeOrders } from '../../store/schema/handlehome-orders.ts';
import { handlehomeRequests } from '../../store/schema/handlehome-requests.ts';
import type { AgentRow } from '../../store/schema/agents.ts';
import type { CallRow } from '../../store/schema/calls.ts';
import { createAgent } from '../../store/queries/agents.ts';
import { analyzedEvent, handlehomeExtraction, seedHandlehomeCall, seedHandlehomeTenant } from '../../testing/handlehome-fixtures.ts';
import { testAgentFields } from '../../testing/store-fixtures.ts';
import { openTestDatabase } from '../../testing/test-database.ts';
import { handlehomeRecordsStep } from './records-step.ts';

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await openTestDatabase();
});
afterAll(async () => {
  await handle.close();
});

// Friday 2026-11-20, 10:00 in Paris.
const startedAt = new Date('2026-11-20T09:00:00Z');

async function analysed(call: CallRow, extraction: Record<string, unknown> | null): Promise<void> {
  await handle.db.transaction((tx) => handlehomeRecordsStep(tx, analyzedEvent(call, extraction, new Date('2026-11-20T09:05:00Z'))));
}

async function recordsOf(tenantId: string) {
  const db = handle.db;
  return {
    customers: await db.select().from(handlehomeCustomers).where(eq(handlehomeCustomers.tenantId, tenantId)),
    requests: await db.select().from(handlehomeRequests).where(eq(handlehomeRequests.tenantId, tenantId)),
    orders: await db.select().from(handlehomeOrders).where(eq(handlehomeOrders.tenantId, tenantId)),
  };
}

async function world(): Promise<{ tenantId: string; agent: AgentRow }> {
  return seedHandlehomeTenant(handle.db);
}

describe('the HandleHome records step', () => {
  it('writes the customer (by the caller’s number), the call record and the order with its line items', async () => {
    const { tenantId, agent } = await world();
    const call = await seedHandlehomeCall(handle.db, { tenantId, agent, from: '+33612345678', startedAt });
    await analysed(call, handlehomeExtraction());
    const { customers, requests, orders } = await recordsOf(tenantId);
    expect(customers).toMatchObject([{ phone: '+33612345678', firstName: 'Léa', lastName: 'Martin' }]);
    expect(requests).toMatchObject([
      { callId: call.id, customerId: customers[0]?.id, callerPhone: '+33612345678', requestType: 'Commande à emporter', services: 'Burgers', status: 'nouveau', occurredAt: startedAt },
    ]);
    expect(orders).toMatchObject([
      {
        callId: call.id,
        requestId: requests[0]?.id,
        customerId: customers[0]?.id,
        date: '2026-11-23',
        time: '19:00',
        durationMin: 30,
        origin: 'system',
        status: 'planifie', // 19:00-19:30 is after the default closing time (18:00): recorded, to be confirmed by staff
        items: [{ name: 'Burger classique', quantity: 2, unitPriceCents: 950, supplements: ['cheddar'], customisation: 'un sans oignons', category: 'Burgers', productId: null }],
      },
    ]);
  });

  it('run again for the same call, updates what it wrote and keeps the status an operator set', async () => {
    const { tenantId, agent } = await world();
    const call = await seedHandlehomeCall(handle.db, { tenantId, agent, from: '+33612345678', startedAt });
    await analysed(call, handlehomeExtraction());
    const first = await recordsOf(tenantId);
    await updateRequest(handle.db, { tenantId, requestId: first.requests[0]?.id ?? '', changes: { status: 'en_cours' }, at: new Date() });
    const order = handlehomeExtraction().order as Record<string, unknown>;
    await analysed(call, handlehomeExtraction({ description: 'Trois burgers.', order: { ...order, heure: '11:00', commandes: [] } }));
    const second = await recordsOf(tenantId);
    expect(second.customers).toHaveLength(1);
    expect(second.requests).toMatchObject([{ id: first.requests[0]?.id, description: 'Trois burgers.', status: 'en_cours' }]);
    expect(second.orders).toMatchObject([{ id: first.orders[0]?.id, time: '11:00', items: [], status: 'confirme' }]);
    // An extraction without an order removes the order only this step made.
    await analysed(call, handlehomeExtraction({ order: null }));
    expect((await recordsOf(tenantId)).orders).toEqual([]);
  });

  it('prefers the number the caller said, and upserts the same customer on their next call', async () => {
    const { tenantId, agent } = await world();
    const first = await seedHandlehomeCall(handle.db, { tenantId, agent, from: '+33612345678', startedAt });
    await analysed(first, handlehomeExtraction({ telephone: '06 98 76 54 32' }));
    const second = await seedHandlehomeCall(handle.db, { tenantId, agent, from: '+33698765432', startedAt });
    await analysed(second, handlehomeExtraction({ prenom: null, nom: 'Autre nom', order: null }));
    const { customers, requests } = await recordsOf(tenantId);
    // One customer: the second call came from the number the first caller gave; names only filled blanks.
    expect(customers).toMatchObject([{ phone: '+33698765432', firstName: 'Léa', lastName: 'Martin' }]);
    expect(requests.map((r) => [r.callerPhone, r.customerId]).sort()).toEqual([
      ['+33612345678', customers[0]?.id],
      ['+33698765432', customers[0]?.id],
    ]);
  });

  it('never invents a number: no caller ID and none said → no customer, the name stays on the record and the order', async () => {
    const { tenantId, agent } = await world();
    const browserCall = await seedHandlehomeCall(handle.db, { tenantId, agent, from: null, startedAt });
    await analysed(browserCall, handlehomeExtraction({ telephone: null }));
    const withheld = await seedHandlehomeCall(handle.db, { tenantId, agent, from: '+266696687', startedAt });
    await analysed(withheld, handlehomeExtraction({ telephone: 'Non fourni', order: null }));
    const garbled = await seedHandlehomeCall(handle.db, { tenantId, agent, from: 'anonymous', startedAt });
    await analysed(garbled, handlehomeExtraction({ telephone: '06 12', order: null }));
    const { customers, requests, orders } = await recordsOf(tenantId);
    expect(customers).toEqual([]);
    expect(requests.map((r) => [r.customerId, r.callerPhone, r.callerFirstName, r.callerLastName])).toEqual([
      [null, null, 'Léa', 'Martin'],
      [null, null, 'Léa', 'Martin'],
      [null, null, 'Léa', 'Martin'],
    ]);
    expect(orders).toMatchObject([{ customerId: null, customerName: 'Léa Martin' }]);
  });

  it('uses the callee’s number of an outbound call, and drops placeholder names', async () => {
    const { tenantId, agent } = await world();
    const call = await seedHandlehomeCall(handle.db, { tenantId, agent, from: '+33712345678', direction: 'outbound', startedAt });
    await analysed(call, handlehomeExtraction({ prenom: 'Inconnu', nom: 'Non fourni', order: null }));
    const { customers, requests } = await recordsOf(tenantId);
    expect(customers).toMatchObject([{ phone: '+33712345678', firstName: null, lastName: null }]);
    expect(requests).toMatchObject([{ callerFirstName: null, callerLastName: null }]);
  });

  it('resolves ASAP against when the call ended, in the tenant’s time zone', async () => {
    const { tenantId, agent } = await world();
    const call = await seedHandlehomeCall(handle.db, { tenantId, agent, from: '+33612345678', startedAt });
    const order = handlehomeExtraction().order as Record<string, unknown>;
    await analysed(call, handlehomeExtraction({ order: { ...order, date: 'ASAP', heure: 'ASAP', duree: null } }));
    // Ended 09:02 UTC = 10:02 Paris; plus 30 minutes, rounded up to 5: 10:35, for the default hour.
    expect((await recordsOf(tenantId)).orders).toMatchObject([{ date: '2026-11-20', time: '10:35', dateAsap: true, timeAsap: true, durationMin: 60, status: 'confirme' }]);
  });

  it('does nothing for an agent whose plan does not name the handlehome sink, or without an extraction', async () => {
    const { tenantId, agent } = await world();
    const plain = await createAgent(handle.db, { tenantId, ownerUserId: null, isDefault: false, fields: { ...testAgentFields, analysis: { summary: {} } } });
    await analysed(await seedHandlehomeCall(handle.db, { tenantId, agent: plain, from: '+33612345678', startedAt }), handlehomeExtraction());
    await analysed(await seedHandlehomeCall(handle.db, { tenantId, agent, from: '+33612345678', startedAt }), null);
    expect(await recordsOf(tenantId)).toEqual({ customers: [], requests: [], orders: [] });
  });

  it('refuses an extraction that does not fit the records, writing nothing', async () => {
    const { tenantId, agent } = await world();
    const call = await seedHandlehomeCall(handle.db, { tenantId, agent, from: '+33612345678', startedAt });
    const refused = analysed(call, handlehomeExtraction({ type_demande: 'Pizza party', order: { date: '2026-02-30' } }));
    await expect(refused).rejects.toThrow(/type_demande.*order\.date|order\.date.*type_demande/s);
    // No retry can mend it: the job fails at once.
    await expect(refused).rejects.toMatchObject({ name: 'JobFailure', retryable: false });
    expect(await recordsOf(tenantId)).toEqual({ customers: [], requests: [], orders: [] });
    const requests = await handle.db.select().from(handlehomeRequests).where(and(eq(handlehomeRequests.tenantId, tenantId), eq(handlehomeRequests.callId, call.id)));
    expect(requests).toEqual([]);
  });
});
