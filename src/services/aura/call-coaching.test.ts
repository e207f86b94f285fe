/**
 * Coaching on live calls: a real call session through the live call registry, caller audio as a
 * phone sends it (8 kHz μ-law), the agent's `coaching` on; at the end the caller's speech report is
 * stored with the call, with the caller's transcript words counted, and the talk ratio and
 * interruptions of both sides (the agent answering, the caller barging in).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ConversationMetrics } from '../../analysis/types.ts';
import { mulawEncode } from '../../audio/g711.ts';
import { decodeWav } from '../../audio/wav.ts';
import { newId } from '../../core/ids.ts';
import { apiKeyPrincipal } from '../../core/principal.ts';
import { createAgent } from '../../store/queries/agents.ts';
import { getCallCoachingReport } from '../../store/queries/call-coaching-reports.ts';
import { createCall } from '../../store/queries/calls.ts';
import { upsertTranscriptItem } from '../../store/queries/transcript-items.ts';
import { FakeTransport, ManualClock, MULAW_8K, ScriptedEngine, silentLogger } from '../../testing/runtime-fakes/index.ts';
import { seedTenant, testAgentFields } from '../../testing/store-fixtures.ts';
import { scriptedRegistry, settle } from '../../testing/live-call-fixtures.ts';
import { useTestDatabase } from '../../testing/test-database.ts';
import { snapshotAgent } from '../calls.ts';
import { callCoachingObserverFactory } from './call-coaching-observer.ts';

const speech = decodeWav(readFileSync(new URL('../../testing/fixtures/aura/speech.wav', import.meta.url)));

const handle = useTestDatabase();

/** Runs one call whose agent has `coaching`, the caller saying the fixture twice; returns its id and tenant. */
async function runCall(coaching: Record<string, unknown>): Promise<{ callId: string; tenantId: string }> {
  const clock = new ManualClock();
  const { tenant } = await seedTenant(handle.db, `coach-${newId().slice(0, 8)}`);
  const agent = await createAgent(handle.db, { tenantId: tenant.id, ownerUserId: null, isDefault: false, fields: { ...testAgentFields, language: 'en-US', coaching } });
  const callId = newId();
  await createCall(handle.db, { id: callId, tenantId: tenant.id, userId: null, agentId: agent.id, agentSnapshot: snapshotAgent(agent), channel: 'twilio', direction: 'inbound', metadata: {}, at: new Date(clock.nowMs()) });
  const engine = new ScriptedEngine({ clock });
  const registry = scriptedRegistry(handle.db, clock, engine, { audioObservers: [callCoachingObserverFactory({ db: handle.db, clock, logger: silentLogger() })] });
  // A phone call, joined as its Twilio stream joins it.
  const transport = new FakeTransport({ clock, inputFormat: MULAW_8K });
  expect(await registry.startCall({ callId, identity: apiKeyPrincipal({ tenantId: tenant.id, scopes: ['calls'] }), transport, carrier: 'twilio' })).toEqual({ ok: true });
  await settle(() => engine.sessions.length > 0);
  const session = engine.sessions[0];
  for (let pass = 0; pass < 2; pass += 1) {
    for (let at = 0; at < speech.samples.length; at += 160) {
      if (pass === 1 && at === 0) {
        // The agent answers between the two passes (1.5 s of audio, handed over at once)…
        session?.responseStarted('r1');
        session?.assistantAudio('a1', 1500);
      }
      // …and the caller, already speaking again, barges in 600 ms into it.
      if (pass === 1 && at === 160 * 30) session?.speechStarted('u2');
      clock.advance(20);
      transport.sendCallerAudio({ format: MULAW_8K, data: mulawEncode(speech.samples.subarray(at, at + 160)) });
    }
  }
  await upsertTranscriptItem(handle.db, { tenantId: tenant.id, callId, seq: 0, role: 'user', text: 'Good morning everyone, um, today I will talk about our plan.', startMs: 0, endMs: 3000, interrupted: false });
  await registry.end(callId, 'caller_ended');
  return { callId, tenantId: tenant.id };
}

describe('coaching on live calls', () => {
  it('stores the caller’s speech report with the call when the agent enables coaching', async () => {
    const { callId, tenantId } = await runCall({ enabled: true });
    const report = await getCallCoachingReport(handle.db, { tenantId, callId });
    expect(report).toBeDefined();
    expect(report?.language).toBe('en');
    expect(report?.snapshot.durationMs).toBe(6000);
    expect(report?.snapshot.speechMs).toBeGreaterThan(4000);
    // espeak-ng's English voice, through μ-law: its pitch is measured, not made up.
    expect(report?.snapshot.pitchMedianHz).toBeGreaterThan(80);
    expect(report?.snapshot.pitchMedianHz).toBeLessThan(130);
    expect(report?.snapshot.fillerCount).toBe(1);
    expect(report?.coaching).toMatchObject({ source: 'rules', language: 'en' });
    expect(report?.coaching.scores.overall).toEqual(expect.any(Number));
    expect(report?.analysis).toMatchObject({ sampleRateHz: 8000, language: 'en' });
    // Talk ratio and interruptions: the agent spoke only the 600 ms the caller heard before barging
    // in; it started while the caller was still speaking (the fixture's second pass follows the first
    // without a pause), over the caller for all of those 600 ms: an interruption by the agent.
    const conversation = report?.analysis.conversation as ConversationMetrics;
    expect(conversation.agent.talkMs).toBe(600);
    expect(conversation.overlapMs).toBe(600);
    expect(conversation.agent.interruptions).toBe(1);
    expect(conversation.caller.interruptions).toBe(0);
    expect(conversation.caller.talkMs).toBe(report?.snapshot.speechMs);
    expect((conversation.caller.talkRatio ?? 0) + (conversation.agent.talkRatio ?? 0)).toBeCloseTo(1, 9);
  });

  it('stores nothing when coaching is off or unset', async () => {
    for (const coaching of [{}, { enabled: false }]) {
      const { callId, tenantId } = await runCall(coaching);
      expect(await getCallCoachingReport(handle.db, { tenantId, callId })).toBeUndefined();
    }
  });
});
