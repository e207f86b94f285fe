import { describe, expect, it } from 'vitest';
import { apiKeyPrincipal } from './core/principal.ts';
import { getCall } from './store/queries/calls.ts';
import { FakeTransport, ManualClock, ScriptedEngine } from './testing/runtime-fakes/index.ts';
import { seedCall } from './testing/job-fixtures.ts';
import { scriptedRegistry, settle } from './testing/live-call-fixtures.ts';
import { useTestDatabase } from './testing/test-database.ts';

const handle = useTestDatabase();

/** A registry whose call starts stop half-way (making their audio observers) until `release()`. */
async function startingCall() {
  const clock = new ManualClock();
  const { tenantId, call } = await seedCall(handle.db, clock);
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let asked = 0;
  const engine = new ScriptedEngine({ clock });
  const registry = scriptedRegistry(handle.db, clock, engine, {
    audioObservers: [
      async () => {
        asked += 1;
        await gate;
        return [];
      },
    ],
  });
  const identity = apiKeyPrincipal({ tenantId, scopes: ['calls'] });
  const start = registry.startCall({ callId: call.id, identity, transport: new FakeTransport({ clock }) });
  await settle(() => asked === 1);
  return { tenantId, callId: call.id, identity, clock, registry, engine, start, release };
}

describe('a call ended while it is still starting', () => {
  it('counts as run here, and ends with the requested reason as soon as its session exists', async () => {
    const { tenantId, callId, registry, start, release } = await startingCall();
    expect(registry.runs(callId)).toBe(true);
    let endedHere: boolean | null = null;
    const ending = registry.end(callId, 'api_request').then((ended) => (endedHere = ended));
    await settle(() => true);
    expect(endedHere).toBeNull();

    release();
    expect(await start).toEqual({ ok: true });
    await ending;
    expect(endedHere).toBe(true);
    expect(registry.runs(callId)).toBe(false);
    const row = await getCall(handle.db, { tenantId, callId });
    expect(row).toMatchObject({ status: 'ended', endReason: 'api_request' });
  });

  it('refuses a second join of the same call while the first is starting', async () => {
    const { callId, identity, clock, registry, start, release } = await startingCall();
    expect(await registry.startCall({ callId, identity, transport: new FakeTransport({ clock }) })).toMatchObject({ ok: false, code: 'call_already_started' });
    release();
    expect(await start).toEqual({ ok: true });
    await registry.end(callId, 'api_request');
  });
});
