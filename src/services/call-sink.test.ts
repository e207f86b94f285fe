import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../core/ids.ts';
import type { DatabaseHandle } from '../store/database.ts';
import { listCallEvents } from '../store/queries/call-events.ts';
import { createCall, getCall } from '../store/queries/calls.ts';
import { listTranscript } from '../store/queries/transcript-items.ts';
import { seedTenant } from '../testing/store-fixtures.ts';
import { openTestDatabase } from '../testing/test-database.ts';
import { createStoreCallSink } from './call-sink.ts';
import { snapshotAgent } from './calls.ts';

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await openTestDatabase();
});
afterAll(async () => {
  await handle.close();
});

const usage = { inputTokens: 10, outputTokens: 20, inputAudioTokens: 5, outputAudioTokens: 15, inputAudioMs: 3000, outputAudioMs: 4000 };
const latency = { turns: 1, p50Ms: 420, p95Ms: 420, maxMs: 420, meanMs: 420 };

describe('store call sink', () => {
  it('records a call’s life: active, turns as they finish, events, metrics and the end', async () => {
    const { tenant, agent } = await seedTenant(handle.db);
    const callId = newId();
    await createCall(handle.db, { id: callId, tenantId: tenant.id, userId: null, agentId: agent.id, agentSnapshot: snapshotAgent(agent), channel: 'socketio', direction: 'inbound', metadata: {}, at: new Date(1_000) });
    const sink = createStoreCallSink({ db: handle.db, tenantId: tenant.id, callId, logger: pino({ level: 'silent' }) });
    await sink.markActive(2_000);
    await sink.saveTurn({ seq: 0, role: 'user', text: 'Hello', startMs: 100, endMs: 900, interrupted: false });
    expect((await listTranscript(handle.db, { tenantId: tenant.id, callId })).map((t) => t.text)).toEqual(['Hello']);
    await sink.saveTurn({ seq: 1, role: 'assistant', text: 'Hi, how', startMs: 1200, endMs: 1900, interrupted: true });
    await sink.appendEvent('barge_in', { heardMs: 700 }, 3_000);
    await sink.saveMetrics(usage, latency, 3_500);
    await sink.finish({ status: 'ended', reason: 'caller_hangup', usage, latency, atMs: 12_000 });
    const call = await getCall(handle.db, { tenantId: tenant.id, callId });
    expect(call).toMatchObject({ status: 'ended', endReason: 'caller_hangup', durationMs: 10_000, usage, latency });
    const turns = await listTranscript(handle.db, { tenantId: tenant.id, callId });
    expect(turns.map((t) => [t.role, t.text, t.interrupted])).toEqual([['user', 'Hello', false], ['assistant', 'Hi, how', true]]);
    const events = (await listCallEvents(handle.db, { tenantId: tenant.id, callId })).map((e) => e.type);
    expect(events).toEqual(['call.created', 'call.status_changed', 'barge_in', 'call.status_changed']);
  });

  it('still stores metrics when the call was already ended elsewhere', async () => {
    const { tenant, agent } = await seedTenant(handle.db);
    const callId = newId();
    await createCall(handle.db, { id: callId, tenantId: tenant.id, userId: null, agentId: agent.id, agentSnapshot: snapshotAgent(agent), channel: 'socketio', direction: 'inbound', metadata: {}, at: new Date(1_000) });
    const sink = createStoreCallSink({ db: handle.db, tenantId: tenant.id, callId, logger: pino({ level: 'silent' }) });
    await sink.finish({ status: 'ended', reason: 'first', usage, latency, atMs: 2_000 });
    await sink.finish({ status: 'failed', reason: 'second', usage: { ...usage, outputTokens: 99 }, latency, atMs: 3_000 });
    const call = await getCall(handle.db, { tenantId: tenant.id, callId });
    expect(call).toMatchObject({ status: 'ended', endReason: 'first' });
    expect(call?.usage?.outputTokens).toBe(99);
  });
});
