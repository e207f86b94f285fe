import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from './core/ids.ts';
import { apiKeyPrincipal } from './core/principal.ts';
import { LiveCallRegistry } from './live-calls.ts';
import type { CallAudioObserver } from './runtime/ports.ts';
import { snapshotAgent } from './services/calls.ts';
import type { DatabaseHandle } from './store/database.ts';
import { createCall } from './store/queries/calls.ts';
import type { CallRow } from './store/schema/calls.ts';
import { FakeTransport, ManualClock, PCM16_24K, ScriptedEngine, silentLogger, toneChunk } from './testing/runtime-fakes/index.ts';
import { seedTenant } from './testing/store-fixtures.ts';
import { openTestDatabase } from './testing/test-database.ts';

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await openTestDatabase();
});
afterAll(async () => {
  await handle.close();
});

async function settle(done: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !done(); i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
}

async function newCall(clock: ManualClock): Promise<{ callId: string; tenantId: string }> {
  const { tenant, agent } = await seedTenant(handle.db, `obs-${newId().slice(0, 8)}`);
  const callId = newId();
  await createCall(handle.db, {
    id: callId,
    tenantId: tenant.id,
    userId: null,
    agentId: agent.id,
    agentSnapshot: snapshotAgent(agent),
    channel: 'api',
    direction: 'inbound',
    metadata: {},
    at: new Date(clock.nowMs()),
  });
  return { callId, tenantId: tenant.id };
}

describe('the live call registry’s audio observer factories', () => {
  it('are asked per call with the call row, and their observers see the call’s audio and its end', async () => {
    const clock = new ManualClock();
    const { callId, tenantId } = await newCall(clock);
    const asked: CallRow[] = [];
    const events: string[] = [];
    const observer: CallAudioObserver = {
      onCallerAudio: () => events.push('caller'),
      onAgentAudio: () => events.push('agent'),
      close: () => {
        events.push('close');
        return Promise.resolve();
      },
    };
    const engine = new ScriptedEngine({ clock });
    const registry = new LiveCallRegistry({
      db: handle.db,
      clock,
      logger: silentLogger(),
      engines: () => ({ engine }),
      audioObservers: [
        (call, formats) => {
          expect(formats).toEqual({ caller: PCM16_24K, agent: PCM16_24K });
          asked.push(call);
          return Promise.resolve([observer]);
        },
        () => {
          throw new Error('this factory is broken');
        },
      ],
    });
    const transport = new FakeTransport({ clock });
    expect(await registry.startCall({ callId, identity: apiKeyPrincipal({ tenantId, scopes: ['calls'] }), transport })).toEqual({ ok: true });
    await settle(() => engine.sessions.length > 0);
    transport.sendCallerAudio(toneChunk(PCM16_24K, 20));
    engine.session.assistantAudio('a-1', 20);
    await registry.end(callId, 'api_request');

    expect(asked.map((call) => call.id)).toEqual([callId]);
    expect(events).toEqual(['caller', 'agent', 'close']);
  });
});
