import { beforeAll, describe, expect, it, vi } from 'vitest';
import { newId } from '../../core/ids.ts';
import { createCall, getCall, transitionCall } from '../../store/queries/calls.ts';
import type { AgentRow } from '../../store/schema/agents.ts';
import type { CallChannel, CallRow } from '../../store/schema/calls.ts';
import { InMemoryNotifications } from '../../testing/in-memory-notifications.ts';
import { capturingLogger } from '../../testing/openai-realtime-test-harness.ts';
import { ManualClock } from '../../testing/manual-clock.ts';
import { seedTenant } from '../../testing/store-fixtures.ts';
import { useTestDatabase } from '../../testing/test-database.ts';
import { snapshotAgent } from '../calls.ts';
import { CallControl, type EndCallOutcome, type LiveCalls } from './call-control.ts';
import { CALL_CONTROL_CHANNEL } from './messages.ts';

const database = useTestDatabase();
let tenantId: string;
let agent: AgentRow;
beforeAll(async () => {
  ({ tenant: { id: tenantId }, agent } = await seedTenant(database.db));
});

const ACK_MS = 1_000;
const WAIT_MS = 5_000;

async function callRow(status: 'created' | 'active', channel: CallChannel = 'websocket'): Promise<CallRow> {
  const at = new Date();
  const call = await createCall(database.db, { id: newId(), tenantId, userId: null, agentId: agent.id, agentSnapshot: snapshotAgent(agent), channel, direction: 'inbound', metadata: {}, at });
  if (status === 'created') return call;
  const activated = await transitionCall(database.db, { tenantId, callId: call.id, to: 'active', at });
  if (!activated.ok) throw new Error('could not activate the test call');
  return activated.value;
}

/** Calls "running" in one fake instance; ending one finishes its record as a session would, unless `stuck`. */
class FakeLiveCalls implements LiveCalls {
  readonly running = new Set<string>();
  readonly ended: Array<{ callId: string; reason: string }> = [];
  stuck = false;

  runs(callId: string): boolean {
    return this.running.has(callId);
  }

  async end(callId: string, reason: string): Promise<boolean> {
    if (!this.running.has(callId)) return false;
    this.ended.push({ callId, reason });
    if (this.stuck) await new Promise(() => undefined);
    await transitionCall(database.db, { tenantId, callId, to: 'ended', reason, at: new Date() });
    this.running.delete(callId);
    return true;
  }
}

interface Instance {
  readonly control: CallControl;
  readonly live: FakeLiveCalls;
  readonly lines: Array<Record<string, unknown>>;
}

function world(): { bus: InMemoryNotifications; clock: ManualClock; instance: () => Promise<Instance> } {
  const bus = new InMemoryNotifications();
  const clock = new ManualClock();
  return {
    bus,
    clock,
    async instance() {
      const live = new FakeLiveCalls();
      const { logger, lines } = capturingLogger();
      const control = new CallControl({ db: database.db, clock, logger, liveCalls: live, notifications: bus, endWaitMs: WAIT_MS, endAckMs: ACK_MS });
      await control.start();
      return { control, live, lines };
    },
  };
}

const sentTypes = (bus: InMemoryNotifications) => bus.sent.map((s) => (JSON.parse(s.payload) as { type: string }).type);
const messagesOf = (lines: ReadonlyArray<Record<string, unknown>>, level: number) => lines.filter((l) => l['level'] === level).map((l) => l['msg']);

/** Resolves once `promise` has settled, or `undefined` while it is still pending after the queued I/O. */
async function settledOrPending<T>(promise: Promise<T>): Promise<T | undefined> {
  let value: T | undefined;
  void promise.then((v) => (value = v));
  await new Promise((resolve) => setTimeout(resolve, 50));
  return value;
}

describe('CallControl', () => {
  it('ends a call this process runs through its session, asking nobody', async () => {
    const { bus, instance } = world();
    const here = await instance();
    const call = await callRow('active');
    here.live.running.add(call.id);
    expect(await here.control.end({ tenantId, callId: call.id, reason: 'api_request' })).toEqual({ kind: 'ended_here' });
    expect(here.live.ended).toEqual([{ callId: call.id, reason: 'api_request' }]);
    expect(bus.sent).toEqual([]);
  });

  it('hands a call another instance runs over to it, and returns once that one has ended it with the reason', async () => {
    const { bus, instance } = world();
    const [here, there] = [await instance(), await instance()];
    const call = await callRow('active');
    there.live.running.add(call.id);
    expect(await here.control.end({ tenantId, callId: call.id, reason: 'supervisor' })).toEqual({ kind: 'ended_elsewhere' });
    expect(there.live.ended).toEqual([{ callId: call.id, reason: 'supervisor' }]);
    expect(await getCall(database.db, { tenantId, callId: call.id })).toMatchObject({ status: 'ended', endReason: 'supervisor' });
    expect(sentTypes(bus)).toEqual(['end', 'ending', 'ended']);
    expect(messagesOf(there.lines, 30)).toContain('call ended at the request of another instance');
  });

  it('waits the whole CALL_END_WAIT_MS for an instance that answered, then ends the record itself and warns', async () => {
    const { bus, clock, instance } = world();
    const [here, there] = [await instance(), await instance()];
    const call = await callRow('active');
    there.live.running.add(call.id);
    there.live.stuck = true;
    const outcome = here.control.end({ tenantId, callId: call.id, reason: 'supervisor' });
    await vi.waitFor(() => {
      expect(sentTypes(bus)).toEqual(['end', 'ending']);
    });
    clock.advance(WAIT_MS - 1);
    expect(await settledOrPending(outcome)).toBeUndefined();
    clock.advance(1);
    expect(await outcome).toEqual<EndCallOutcome>({ kind: 'ended_in_store', status: 'ended' });
    expect(await getCall(database.db, { tenantId, callId: call.id })).toMatchObject({ status: 'ended', endReason: 'supervisor' });
    expect(messagesOf(here.lines, 40)).toEqual(['the instance running the call did not end it in time; its record was ended here']);
  });

  it('ends the record after CALL_END_ACK_MS when no instance answers, in the fallback status', async () => {
    const { bus, clock, instance } = world();
    const here = await instance();
    await instance();
    const call = await callRow('active');
    const outcome = here.control.end({ tenantId, callId: call.id, reason: 'twilio_failed', fallbackStatus: 'failed' });
    await vi.waitFor(() => {
      expect(sentTypes(bus)).toEqual(['end']);
    });
    clock.advance(ACK_MS - 1);
    expect(await settledOrPending(outcome)).toBeUndefined();
    clock.advance(1);
    expect(await outcome).toEqual<EndCallOutcome>({ kind: 'ended_in_store', status: 'failed' });
    expect(await getCall(database.db, { tenantId, callId: call.id })).toMatchObject({ status: 'failed', endReason: 'twilio_failed' });
    expect(messagesOf(here.lines, 40)).toEqual(['no instance runs this call in progress (its instance is gone?); its record was ended here']);
  });

  it('ends a never-joined call after the window without a warning', async () => {
    const { clock, instance } = world();
    const here = await instance();
    const call = await callRow('created');
    const outcome = here.control.end({ tenantId, callId: call.id, reason: 'api_request' });
    await vi.waitFor(() => {
      expect(clock.pendingTimers).toBe(2);
    });
    clock.advance(ACK_MS);
    expect(await outcome).toEqual<EndCallOutcome>({ kind: 'ended_in_store', status: 'ended' });
    expect(messagesOf(here.lines, 40)).toEqual([]);
    expect(messagesOf(here.lines, 20)).toEqual(['call not running anywhere; its record was ended here']);
  });

  it('asks nobody about a call that is over or a classic IVR call (no instance holds a session of one)', async () => {
    const { bus, instance } = world();
    const here = await instance();
    const ivr = await callRow('active', 'twilio-ivr');
    expect(await here.control.end({ tenantId, callId: ivr.id, reason: 'twilio_completed' })).toEqual({ kind: 'ended_in_store', status: 'ended' });
    expect(await here.control.end({ tenantId, callId: ivr.id, reason: 'again' })).toEqual({ kind: 'already_over' });
    expect(await here.control.end({ tenantId, callId: newId(), reason: 'unknown' })).toEqual({ kind: 'already_over' });
    expect(bus.sent).toEqual([]);
    expect(await getCall(database.db, { tenantId, callId: ivr.id })).toMatchObject({ status: 'ended', endReason: 'twilio_completed' });
  });

  it('on stop, unsubscribes and stops waiting at once (the record is ended here)', async () => {
    const { bus, instance } = world();
    const here = await instance();
    expect(bus.listenerCount(CALL_CONTROL_CHANNEL)).toBe(1);
    const call = await callRow('active');
    const outcome = here.control.end({ tenantId, callId: call.id, reason: 'api_request' });
    await vi.waitFor(() => {
      expect(sentTypes(bus)).toEqual(['end']);
    });
    await here.control.stop();
    await here.control.stop();
    expect(await outcome).toEqual<EndCallOutcome>({ kind: 'ended_in_store', status: 'ended' });
    expect(bus.listenerCount(CALL_CONTROL_CHANNEL)).toBe(0);
    // Stopped: a later request still goes out for another instance to act on, but nothing is awaited.
    const later = await callRow('active');
    expect(await here.control.end({ tenantId, callId: later.id, reason: 'api_request' })).toEqual({ kind: 'ended_in_store', status: 'ended' });
  });

  it('logs and drops malformed notifications, and answers only for calls it runs', async () => {
    const { bus, instance } = world();
    const here = await instance();
    const call = await callRow('active');
    for (const payload of ['{', 'null', '{"type":"end","requestId":"r","callId":"c","reason":""}', JSON.stringify({ type: 'end', requestId: newId(), callId: call.id, reason: 'x'.repeat(1_001) })]) {
      await bus.notify(CALL_CONTROL_CHANNEL, payload);
    }
    // A well-formed request for a call this instance does not run: no answer.
    await bus.notify(CALL_CONTROL_CHANNEL, JSON.stringify({ type: 'end', requestId: newId(), callId: call.id, reason: 'x' }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const warnings = here.lines.filter((l) => l['msg'] === 'malformed call control message ignored');
    expect(warnings).toHaveLength(4);
    expect(warnings[0]).toMatchObject({ problem: 'not JSON', payloadLength: 1 });
    expect(String(warnings[2]?.['problem'])).toContain('callId');
    // Nothing but the five payloads of the test went out: no answer.
    expect(bus.sent).toHaveLength(5);
    expect(here.live.ended).toEqual([]);
  });
});
