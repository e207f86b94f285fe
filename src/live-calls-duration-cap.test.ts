import { describe, expect, it } from 'vitest';
import { newId } from './core/ids.ts';
import { apiKeyPrincipal } from './core/principal.ts';
import { snapshotAgent } from './services/calls.ts';
import { createCall, getCall } from './store/queries/calls.ts';
import { FakeTransport, ManualClock, ScriptedEngine } from './testing/runtime-fakes/index.ts';
import { seedTenant } from './testing/store-fixtures.ts';
import { scriptedRegistry, settle } from './testing/live-call-fixtures.ts';
import { useTestDatabase } from './testing/test-database.ts';

const handle = useTestDatabase();

describe('MAX_CALL_DURATION_SECONDS', () => {
  it('ends a call at the server’s cap when its agent allows longer', async () => {
    const { tenant, agent } = await seedTenant(handle.db, 'cap');
    const clock = new ManualClock();
    const callId = newId();
    await createCall(handle.db, {
      id: callId,
      tenantId: tenant.id,
      userId: null,
      agentId: agent.id,
      agentSnapshot: { ...snapshotAgent(agent), maxDurationS: 4 * 3600, warningBeforeEndS: 0 },
      channel: 'api',
      direction: 'inbound',
      metadata: {},
      at: new Date(clock.nowMs()),
    });
    const engine = new ScriptedEngine({ clock });
    const registry = scriptedRegistry(handle.db, clock, engine, { maxCallDurationS: 60 });
    const identity = apiKeyPrincipal({ tenantId: tenant.id, scopes: ['calls'] });
    expect(await registry.startCall({ callId, identity, transport: new FakeTransport({ clock }) })).toEqual({ ok: true });
    await settle(() => clock.pendingTimers > 0);

    clock.advance(59_999);
    expect(registry.size).toBe(1);
    clock.advance(1);
    await settle(() => registry.size === 0);
    expect(registry.size).toBe(0);
    expect(await getCall(handle.db, { tenantId: tenant.id, callId })).toMatchObject({ status: 'ended', endReason: 'max_duration' });
  });
});
