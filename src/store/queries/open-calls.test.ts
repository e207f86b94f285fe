import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallStatusValue } from '../../core/call-lifecycle.ts';
import { newId } from '../../core/ids.ts';
import { snapshotAgent } from '../../services/calls.ts';
import { seedTenant } from '../../testing/store-fixtures.ts';
import { openTestDatabase } from '../../testing/test-database.ts';
import type { DatabaseHandle } from '../database.ts';
import type { AgentRow } from '../schema/agents.ts';
import { createCall, transitionCall } from './calls.ts';
import { countOpenCalls, listUnjoinedCalls } from './open-calls.ts';

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await openTestDatabase();
});
afterAll(async () => {
  await handle.close();
});

const HOUR_MS = 3_600_000;
const now = Date.parse('2030-01-01T12:00:00Z');

async function callIn(tenantId: string, agent: AgentRow, path: readonly CallStatusValue[], createdAtMs: number, startedAtMs = createdAtMs, userId: string | null = null): Promise<void> {
  const id = newId();
  await createCall(handle.db, {
    id,
    tenantId,
    userId,
    agentId: agent.id,
    agentSnapshot: snapshotAgent(agent),
    channel: 'api',
    direction: 'inbound',
    metadata: {},
    at: new Date(createdAtMs),
  });
  for (const to of path) await transitionCall(handle.db, { tenantId, callId: id, to, at: new Date(to === 'active' ? startedAtMs : startedAtMs + 1000) });
}

describe('countOpenCalls', () => {
  it('counts the tenant’s created, active and ending calls, and not the ones a crashed instance left open long ago', async () => {
    const { tenant, agent } = await seedTenant(handle.db, 'open');
    const other = await seedTenant(handle.db, 'other');
    await callIn(tenant.id, agent, [], now - 60_000);
    await callIn(tenant.id, agent, ['active'], now - 120_000);
    await callIn(tenant.id, agent, ['active', 'ending'], now - 120_000);
    await callIn(tenant.id, agent, ['active', 'ended'], now - 120_000);
    await callIn(tenant.id, agent, ['failed'], now - 60_000);
    // Created 90 minutes ago, joined 20 minutes ago: still a live call.
    await callIn(tenant.id, agent, ['active'], now - 1.5 * HOUR_MS, now - 20 * 60_000);
    // Active for 5 hours: a record left behind, not a call.
    await callIn(tenant.id, agent, ['active'], now - 5 * HOUR_MS);
    await callIn(other.tenant.id, agent, [], now - 60_000);

    const filter = { tenantId: tenant.id, liveSince: new Date(now - HOUR_MS), createdSince: new Date(now - 2 * HOUR_MS) };
    expect(await countOpenCalls(handle.db, filter)).toBe(4);
    expect(await countOpenCalls(handle.db, { ...filter, tenantId: other.tenant.id })).toBe(1);
    expect(await countOpenCalls(handle.db, { ...filter, tenantId: newId() })).toBe(0);
  });

  it('with a join window, counts created calls only while they may still be joined; with a user, only that user’s calls', async () => {
    const { tenant, agent, member: alice } = await seedTenant(handle.db, 'join');
    await callIn(tenant.id, agent, [], now - 60_000, now - 60_000, alice.id);
    await callIn(tenant.id, agent, [], now - 5 * 60_000, now - 5 * 60_000, alice.id);
    await callIn(tenant.id, agent, ['active'], now - 10 * 60_000, now - 9 * 60_000, alice.id);
    await callIn(tenant.id, agent, [], now - 60_000);
    const filter = { tenantId: tenant.id, liveSince: new Date(now - HOUR_MS), createdSince: new Date(now - 2 * HOUR_MS) };
    expect(await countOpenCalls(handle.db, filter)).toBe(4);
    const joinSince = new Date(now - 120_000);
    expect(await countOpenCalls(handle.db, { ...filter, joinSince })).toBe(3);
    expect(await countOpenCalls(handle.db, { ...filter, joinSince, userId: alice.id })).toBe(2);
    expect(await listUnjoinedCalls(handle.db, { tenantId: tenant.id, createdBefore: joinSince, createdSince: filter.createdSince, limit: 10 })).toHaveLength(1);
  });
});
