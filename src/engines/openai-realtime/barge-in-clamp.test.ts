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

describe('barge-in past the generated audio', () => {
  it('clamps audio_end_ms to the audio generated for the item, so the truncate is accepted', async () => {
    fake = await startFakeOpenAIRealtime({
      pacing: { speedFactor: 8 },
      script: { replies: [{ type: 'message', text: 'A long answer that gets cut off early on', audioMs: 4000 }] },
    });
    const engine = createOpenAIRealtimeEngine({ apiKey: FAKE_OPENAI_API_KEY, baseUrl: fake.baseUrl, model: 'gpt-realtime-2' });
    session = await engine.open(sessionConfig({ inputFormat: MULAW8K, outputFormat: MULAW8K }), new AbortController().signal);
    const recorder = new EventRecorder(session);
    sendInChunks(session, utterance, MULAW8K);
    const { itemId } = await recorder.next('assistant_audio');
    await recorder.next('assistant_audio', () => assistantAudioBytes(recorder, itemId) >= 500 * 8);
    await recorder.next('speech_started');
    sendInChunks(session, utterance, MULAW8K);
    await recorder.next('speech_started');

    // A playback report beyond what was generated (e.g. a clock-based estimate that overshot).
    session.interrupt({ itemId, heardMs: 99_999.4 });

    const upstream = await fake.waitForSession();
    await fake.waitForServerEvent('conversation.item.truncated');
    const [truncate] = upstream.truncations;
    const generatedMs = assistantAudioBytes(recorder, itemId) / 8;
    expect(truncate).toMatchObject({ itemId, accepted: true, audioEndMs: Math.floor(generatedMs), generatedAudioMs: Math.floor(generatedMs) });
    expect(Number.isInteger(truncate?.audioEndMs)).toBe(true);
    expect(upstream.serverEvents.filter((event) => event.type === 'error')).toEqual([]);
  });
});
