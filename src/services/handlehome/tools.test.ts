import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../store/database.ts';
import { handlehomeCustomers } from '../../store/schema/handlehome-customers.ts';
import { handlehomeOrders } from '../../store/schema/handlehome-orders.ts';
import type { AgentRow } from '../../store/schema/agents.ts';
import { snapshotAgent } from '../../services/calls.ts';
import { analyzedEvent, handlehomeExtraction, seedHandlehomeCall, seedHandlehomeTenant } from '../../testing/handlehome-fixtures.ts';
import { ManualClock } from '../../testing/manual-clock.ts';
import { silentLogger } from '../../testing/runtime-fakes/test-logger.ts';
import { openTestDatabase } from '../../testing/test-database.ts';
import type { ToolRunner } from '../../runtime/ports.ts';
import { ToolRegistry } from '../tools/tool-registry.ts';
import { handlehomeRecordsStep } from '../../jobs/handlehome/records-step.ts';
import { handlehomeTools } from './tools.ts';

let handle: DatabaseHandle;
// Friday 2026-11-20, 10:00 in Paris (business hours: default, Monday to Friday 09:00-18:00).
const clock = new ManualClock(Date.UTC(2026, 10, 20, 9, 0, 0));
let registry: ToolRegistry;
beforeAll(async () => {
  handle = await openTestDatabase();
  registry = new ToolRegistry(handlehomeTools({ db: handle.db, clock }), silentLogger());
});
afterAll(async () => {
  await handle.close();
});

async function runnerOf(tenantId: string, agent: AgentRow, from: string | null): Promise<{ run: (name: string, args: unknown) => Promise<Record<string, unknown>>; callId: string }> {
  const call = await seedHandlehomeCall(handle.db, { tenantId, agent, from, startedAt: new Date(clock.nowMs()) });
  const runner: ToolRunner = registry.runnerFor({ tenantId, callId: call.id, agent: snapshotAgent(agent) });
  return {
    callId: call.id,
    run: async (name, args) => JSON.parse(await runner({ name, arguments: typeof args === 'string' ? args : JSON.stringify(args) }, new AbortController().signal)) as Record<string, unknown>,
  };
}

describe('check_availability', () => {
  it('lists the free times of a day, and checks one time against opening hours and bookings', async () => {
    const { tenantId, agent } = await seedHandlehomeTenant(handle.db);
    const { run } = await runnerOf(tenantId, agent, '+33612345678');
    const today = await run('check_availability', { date: 'ASAP' });
    // It is 10:00: the first slot still ahead is 10:00 itself; the last one-hour slot starts at 17:00.
    expect(today).toMatchObject({ date: '2026-11-20', timeZone: 'Europe/Paris', open: true, openingHours: '09:00-18:00', durationMin: 60 });
    expect((today.availableTimes as string[])[0]).toBe('10:00');
    expect((today.availableTimes as string[]).at(-1)).toBe('17:00');
    expect(await run('check_availability', { date: '2026-11-22' })).toMatchObject({ open: false, openingHours: null, availableTimes: [] });
    expect(await run('check_availability', { date: '2026-11-16' })).toMatchObject({ open: true, availableTimes: [], note: 'that date has passed; today is 2026-11-20' });
    expect(await run('check_availability', { date: '2026-11-23', time: '18:30' })).toMatchObject({ available: false, reason: 'outside the opening hours' });
  });

  it('answers arguments that do not fit with an error the model can correct', async () => {
    const { tenantId, agent } = await seedHandlehomeTenant(handle.db);
    const { run } = await runnerOf(tenantId, agent, null);
    expect(await run('check_availability', { date: 'demain' })).toMatchObject({ error: 'invalid arguments', details: expect.arrayContaining([expect.objectContaining({ path: 'date' })]) as unknown });
    expect(await run('check_availability', { date: '2026-02-30' })).toMatchObject({ error: 'invalid arguments' });
    expect(await run('check_availability', '{"date": ')).toEqual({ error: 'the arguments are not valid JSON' });
    expect(await run('lookup_menu', {})).toEqual({ error: 'the tool lookup_menu is not implemented on this server' });
  });
});

describe('create_appointment', () => {
  it('books a free slot for the caller (customer by caller ID), refuses a taken one with alternatives, and moves its own booking', async () => {
    const { tenantId, agent } = await seedHandlehomeTenant(handle.db);
    const first = await runnerOf(tenantId, agent, '+33612345678');
    const booked = await first.run('create_appointment', { name: 'Léa Martin', date: '2026-11-23', time: '12:00', type: 'Réservation de table', partySize: 4 });
    expect(booked).toMatchObject({ booked: true, date: '2026-11-23', time: '12:00', durationMin: 60, moved: false, phoneOnFile: true });

    const second = await runnerOf(tenantId, agent, '+33698765432');
    const refused = await second.run('create_appointment', { name: 'Paul', date: '2026-11-23', time: '12:30', type: 'Réservation de table' });
    expect(refused).toEqual({ booked: false, date: '2026-11-23', time: '12:30', reason: 'that time is fully booked', alternatives: ['13:00', '13:30', '14:00'] });
    expect(await second.run('check_availability', { date: '2026-11-23', time: '11:30' })).toMatchObject({ available: false, alternatives: ['13:00', '13:30', '14:00'] });

    // The first caller changes their mind: the same order moves; its old slot is free again.
    expect(await first.run('create_appointment', { name: 'Léa Martin', date: '2026-11-23', time: '15:00', type: 'Réservation de table', partySize: 5 })).toMatchObject({ booked: true, moved: true });
    expect(await second.run('create_appointment', { name: 'Paul', date: '2026-11-23', time: '12:30', type: 'Commande à emporter' })).toMatchObject({ booked: true });

    const orders = await handle.db.select().from(handlehomeOrders).where(eq(handlehomeOrders.tenantId, tenantId));
    const customers = await handle.db.select().from(handlehomeCustomers).where(eq(handlehomeCustomers.tenantId, tenantId));
    expect(orders.map((o) => [o.callId, o.time, o.partySize, o.modality, o.origin, o.status]).sort()).toEqual(
      [
        [first.callId, '15:00', 5, 'Sur place', 'assistant', 'confirme'],
        [second.callId, '12:30', null, 'À emporter', 'assistant', 'confirme'],
      ].sort(),
    );
    expect(customers.map((c) => c.phone).sort()).toEqual(['+33612345678', '+33698765432']);
  });

  it('never invents a phone: a garbled number falls back to the caller ID, none at all books under the name only', async () => {
    const { tenantId, agent } = await seedHandlehomeTenant(handle.db);
    const withId = await runnerOf(tenantId, agent, '+33612345678');
    await withId.run('create_appointment', { name: 'Léa', clientPhone: '06 12', date: '2026-11-23', time: '09:00', type: 'Commande à emporter' });
    const anonymous = await runnerOf(tenantId, agent, '+266696687');
    expect(await anonymous.run('create_appointment', { name: 'Inconnu', date: '2026-11-23', time: '10:00', type: 'Commande à emporter' })).toMatchObject({ booked: true, phoneOnFile: false });
    const orders = await handle.db.select().from(handlehomeOrders).where(eq(handlehomeOrders.tenantId, tenantId));
    const customers = await handle.db.select().from(handlehomeCustomers).where(eq(handlehomeCustomers.tenantId, tenantId));
    expect(customers).toMatchObject([{ phone: '+33612345678', firstName: null, lastName: null }]);
    expect(orders.find((o) => o.callId === withId.callId)).toMatchObject({ customerName: 'Léa', customerId: customers[0]?.id });
    expect(orders.find((o) => o.callId === anonymous.callId)).toMatchObject({ customerId: null, customerName: null });
  });

  it('the records step after the call keeps the promised slot and adds the details', async () => {
    const { tenantId, agent } = await seedHandlehomeTenant(handle.db);
    const { run, callId } = await runnerOf(tenantId, agent, '+33612345678');
    await run('create_appointment', { name: 'Léa Martin', date: '2026-11-23', time: '12:00', type: 'Commande à emporter' });
    const [call] = await handle.db.query.calls.findMany({ where: (c, { eq: is }) => is(c.id, callId) });
    if (!call) throw new Error('no call');
    await handle.db.transaction((tx) => handlehomeRecordsStep(tx, analyzedEvent(call, handlehomeExtraction(), new Date(clock.nowMs()))));
    const orders = await handle.db.select().from(handlehomeOrders).where(eq(handlehomeOrders.tenantId, tenantId));
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({ origin: 'assistant', date: '2026-11-23', time: '12:00', status: 'confirme', items: [{ name: 'Burger classique', quantity: 2 }] });
    expect(orders[0]?.requestId).not.toBeNull();
  });
});
