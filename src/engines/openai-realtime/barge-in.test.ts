import { afterEach, describe, expect, it } from 'vitest';
import type { EngineSession } from '../../runtime/ports.ts';
import { FAKE_OPENAI_API_KEY, silenceAudio, startFakeOpenAIRealtime, toneAudio, type FakeRealtimeServer } from '../../testing/fake-openai-realtime/index.ts';
import { createOpenAIRealtimeEngine } from './engine.ts';
import { assistantAudioBytes, EventRecorder, MULAW8K, sendInChunks, sessionConfig } from '../../testing/openai-realtime-test-harness.ts';

let fake: FakeRealtimeServer | undefined;
let session: EngineSession | undefined;

afterEach(async () => {
  await session?.close();
  await fake?.close();
});

const pcmu = { type: 'audio/pcmu' } as const;
const utterance = Buffer.concat([toneAudio(300, pcmu), silenceAudio(600, pcmu)]);

describe('barge-in with server VAD', () => {
  it('truncates the interrupted item at an integer position within 60 ms of what was heard, without a redundant cancel', async () => {
    fake = await startFakeOpenAIRealtime({
      pacing: { speedFactor: 8 },
      script: {
        userSays: ['Tell me everything.', 'Wait, stop.'],
        replies: [{ type: 'message', text: 'This is a long answer that the caller will interrupt halfway through', audioMs: 4000 }, { type: 'message', text: 'Okay, go ahead.', audioMs: 300 }],
      },
    });
    const engine = createOpenAIRealtimeEngine({ apiKey: FAKE_OPENAI_API_KEY, baseUrl: fake.baseUrl, model: 'gpt-realtime-2' });
    session = await engine.open(sessionConfig({ inputFormat: MULAW8K, outputFormat: MULAW8K }), new AbortController().signal);
    const recorder = new EventRecorder(session);
    sendInChunks(session, utterance, MULAW8K);
    const firstAudio = await recorder.next('assistant_audio');
    const itemId = firstAudio.itemId;
    await recorder.next('assistant_audio', () => assistantAudioBytes(recorder, itemId) >= 1_000 * 8);

    // The caller talks over the answer; the runtime reacts to speech_started with what was actually played.
    await recorder.next('speech_started');
    sendInChunks(session, utterance, MULAW8K);
    await recorder.next('speech_started');
    const heardMs = 612.7;
    session.interrupt({ itemId, heardMs });

    const cancelled = await recorder.next('response_done');
    expect(cancelled.status).toBe('cancelled');
    const interrupted = await recorder.next('assistant_text_done', (event) => event.itemId === itemId);
    expect(interrupted.text.length).toBeGreaterThan(0);
    const upstream = await fake.waitForSession();
    await fake.waitForServerEvent('conversation.item.truncated');
    const [truncate] = upstream.truncations;
    expect(upstream.truncations).toHaveLength(1);
    expect(truncate).toMatchObject({ itemId, contentIndex: 0, accepted: true });
    expect(Number.isInteger(truncate?.audioEndMs)).toBe(true);
    expect(Math.abs((truncate?.audioEndMs ?? Number.NaN) - heardMs)).toBeLessThanOrEqual(60);
    expect(truncate?.audioEndMs).toBeLessThanOrEqual(truncate?.generatedAudioMs ?? -1);

    // The server cancelled on speech already: no response.cancel, so no response_cancel_not_active noise.
    expect(upstream.clientEvents.some((event) => event.event?.type === 'response.cancel')).toBe(false);
    expect(upstream.serverEvents.filter((event) => event.type === 'error')).toEqual([]);

    const next = await recorder.next('assistant_text_done', (event) => event.itemId !== itemId);
    expect(next.text).toBe('Okay, go ahead.');
    expect(recorder.all('error')).toEqual([]);
  });
});
