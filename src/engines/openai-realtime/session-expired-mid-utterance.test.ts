import { afterEach, describe, expect, it } from 'vitest';
import type { EngineSession } from '../../runtime/ports.ts';
import { FAKE_OPENAI_API_KEY, silenceAudio, startFakeOpenAIRealtime, toneAudio, type FakeRealtimeServer } from '../../testing/fake-openai-realtime/index.ts';
import { createOpenAIRealtimeEngine } from './engine.ts';
import { EventRecorder, MULAW8K, sendInChunks, sessionConfig, waitUntil } from '../../testing/openai-realtime-test-harness.ts';

let fake: FakeRealtimeServer | undefined;
let session: EngineSession | undefined;

afterEach(async () => {
  await session?.close();
  await fake?.close();
});

const pcmu = { type: 'audio/pcmu' } as const;

describe('session_expired while the caller is speaking', () => {
  it('replays the utterance so far to the new session, so the turn is heard whole and answered once', async () => {
    fake = await startFakeOpenAIRealtime({ script: { userSays: ['A sentence cut by the expiry.'] } });
    const engine = createOpenAIRealtimeEngine({ apiKey: FAKE_OPENAI_API_KEY, baseUrl: fake.baseUrl, model: 'gpt-realtime-2' });
    session = await engine.open(sessionConfig({ inputFormat: MULAW8K, outputFormat: MULAW8K }), new AbortController().signal);
    const recorder = new EventRecorder(session);
    const before = Buffer.concat([silenceAudio(2_000, pcmu), toneAudio(800, pcmu)]);
    sendInChunks(session, before, MULAW8K);
    await recorder.next('speech_started');
    const first = await fake.waitForSession();
    await waitUntil(() => first.audio.bytesReceived === before.length);

    fake.expireSession('all');
    await recorder.next('reconnecting');
    const after = Buffer.concat([toneAudio(700, pcmu), silenceAudio(700, pcmu)]);
    sendInChunks(session, after, MULAW8K);
    await recorder.next('reconnected');

    const final = await recorder.next('user_transcript', (event) => event.final);
    expect(final.text).toBe('A sentence cut by the expiry.');
    const second = await fake.waitForSession(2);
    const stopped = await fake.waitForServerEvent('input_audio_buffer.speech_stopped', { sessionId: second.id });
    const started = second.serverEvents.find((event) => event.type === 'input_audio_buffer.speech_started');
    // The new session heard the 800 ms before the expiry (plus up to 1 s of pre-roll) and the 700 ms after.
    expect(second.audio.bytesReceived).toBeGreaterThanOrEqual(800 * 8 + after.length);
    expect(second.audio.bytesReceived).toBeLessThanOrEqual(1_800 * 8 + after.length);
    expect(stopped.audio_end_ms - (started?.type === 'input_audio_buffer.speech_started' ? started.audio_start_ms : 0)).toBeGreaterThanOrEqual(1_500);
    await recorder.next('response_done');
    expect(recorder.all('user_transcript').filter((event) => event.final)).toHaveLength(1);
    expect(recorder.all('speech_started')).toHaveLength(2);
  });
});
