import { describe, expect, it } from 'vitest';
import { apiKeyPrincipal } from './core/principal.ts';
import type { CallAudioObserver } from './runtime/ports.ts';
import type { CallRow } from './store/schema/calls.ts';
import { FakeTransport, ManualClock, PCM16_24K, ScriptedEngine, toneChunk } from './testing/runtime-fakes/index.ts';
import { seedCall } from './testing/job-fixtures.ts';
import { scriptedRegistry, settle } from './testing/live-call-fixtures.ts';
import { useTestDatabase } from './testing/test-database.ts';

const handle = useTestDatabase();

describe('the live call registry’s audio observer factories', () => {
  it('are asked per call with the call row, and their observers see the call’s audio and its end', async () => {
    const clock = new ManualClock();
    const { tenantId, call: { id: callId } } = await seedCall(handle.db, clock);
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
    const registry = scriptedRegistry(handle.db, clock, engine, {
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
