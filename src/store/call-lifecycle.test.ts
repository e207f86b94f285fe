import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../core/ids.ts';
import { openTestDatabase } from '../testing/test-database.ts';
import { seedTenant } from '../testing/store-fixtures.ts';
import type { DatabaseHandle } from './database.ts';
import { listCallEvents } from './queries/call-events.ts';
import { createCall, getCall, transitionCall } from './queries/calls.ts';
import type { AgentSnapshot } from './schema/calls.ts';

const snapshot: AgentSnapshot = {
  id: null,
  name: 'a',
  instructions: 'i',
  voice: 'marin',
  language: 'en',
  engine: 'openai-realtime',
  engineOptions: {},
  tools: [],
  maxDurationS: 300,
  warningBeforeEndS: 0,
  warningMessage: null,
};

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await openTestDatabase();
});
afterAll(async () => {
  await handle.close();
});

async function newCall(tenantId: string) {
  return createCall(handle.db, {
    id: newId(),
    tenantId,
    userId: null,
    agentId: null,
    agentSnapshot: snapshot,
    channel: 'api',
    direction: 'inbound',
    metadata: {},
    at: new Date('2026-01-01T10:00:00.000Z'),
  });
}

describe('call state machine in the store', () => {
  it('walks created → active → ending → ended and stamps times, duration and reason', async () => {
    const { tenant } = await seedTenant(handle.db);
    const call = await newCall(tenant.id);
    expect(call.status).toBe('created');
    const active = await transitionCall(handle.db, { tenantId: tenant.id, callId: call.id, to: 'active', at: new Date('2026-01-01T10:00:01.000Z') });
    expect(active.ok && active.value.startedAt?.toISOString()).toBe('2026-01-01T10:00:01.000Z');
    await transitionCall(handle.db, { tenantId: tenant.id, callId: call.id, to: 'ending', at: new Date('2026-01-01T10:00:30.000Z') });
    const ended = await transitionCall(handle.db, {
      tenantId: tenant.id,
      callId: call.id,
      to: 'ended',
      reason: 'caller_hangup',
      at: new Date('2026-01-01T10:00:31.500Z'),
    });
    expect(ended.ok).toBe(true);
    if (!ended.ok) return;
    expect(ended.value.status).toBe('ended');
    expect(ended.value.durationMs).toBe(30_500);
    expect(ended.value.endReason).toBe('caller_hangup');
    const events = await listCallEvents(handle.db, { tenantId: tenant.id, callId: call.id });
    expect(events.map((e) => e.type)).toEqual(['call.created', 'call.status_changed', 'call.status_changed', 'call.status_changed']);
  });

  it('refuses to leave a terminal state and reports the current row', async () => {
    const { tenant } = await seedTenant(handle.db);
    const call = await newCall(tenant.id);
    await transitionCall(handle.db, { tenantId: tenant.id, callId: call.id, to: 'failed', at: new Date() });
    const again = await transitionCall(handle.db, { tenantId: tenant.id, callId: call.id, to: 'active', at: new Date() });
    expect(again.ok).toBe(false);
    if (again.ok) return;
    expect(again.error.kind).toBe('invalid_transition');
    const reread = await getCall(handle.db, { tenantId: tenant.id, callId: call.id });
    expect(reread?.status).toBe('failed');
  });

  it('lets only one of two racing enders win', async () => {
    const { tenant } = await seedTenant(handle.db);
    const call = await newCall(tenant.id);
    const results = await Promise.all([
      transitionCall(handle.db, { tenantId: tenant.id, callId: call.id, to: 'ended', reason: 'a', at: new Date() }),
      transitionCall(handle.db, { tenantId: tenant.id, callId: call.id, to: 'ended', reason: 'b', at: new Date() }),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it('never transitions another tenant’s call', async () => {
    const a = await seedTenant(handle.db, 'a');
    const b = await seedTenant(handle.db, 'b');
    const call = await newCall(a.tenant.id);
    const result = await transitionCall(handle.db, { tenantId: b.tenant.id, callId: call.id, to: 'ended', at: new Date() });
    expect(result).toEqual({ ok: false, error: { kind: 'not_found' } });
    expect((await getCall(handle.db, { tenantId: a.tenant.id, callId: call.id }))?.status).toBe('created');
  });
});
