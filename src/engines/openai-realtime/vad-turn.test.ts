import { afterEach, describe, expect, it } from 'vitest';
import type { EngineSession } from '../../runtime/ports.ts';
import { FAKE_OPENAI_API_KEY, silenceAudio, startFakeOpenAIRealtime, toneAudio, type FakeRealtimeServer } from '../../testing/fake-openai-realtime/index.ts';
import { createOpenAIRealtimeEngine } from './engine.ts';
import { assistantAudioBytes, EventRecorder, PCM24K, sendInChunks, sessionConfig } from '../../testing/openai-realtime-test-harness.ts';

let fake: FakeRealtimeServer | undefined;
let session: EngineSession | undefined;

afterEach(async () => {
  await session?.close();
  await fake?.close();
});

const pcm = { type: 'audio/pcm', rate: 24_000 } as const;

describe('a caller turn with server VAD', () => {
  it('yields speech events, the final user transcript, assistant audio and text, and response usage', async () => {
    fake = await startFakeOpenAIRealtime({
      script: { userSays: ['I need to reschedule'], replies: [{ type: 'message', text: 'Sure, when works for you?', audioMs: 600 }] },
    });
    const engine = createOpenAIRealtimeEngine({ apiKey: FAKE_OPENAI_API_KEY, baseUrl: fake.baseUrl, model: 'gpt-realtime-2' });
    session = await engine.open(sessionConfig(), new AbortController().signal);
    const recorder = new EventRecorder(session);

    sendInChunks(session, Buffer.concat([silenceAudio(300, pcm), toneAudio(800, pcm), silenceAudio(700, pcm)]), PCM24K);
    const done = await recorder.next('response_done');

    const started = await recorder.next('speech_started');
    await recorder.next('speech_stopped', (event) => event.itemId === started.itemId);
    const final = await recorder.next('user_transcript', (event) => event.final);
    expect(final).toMatchObject({ itemId: started.itemId, text: 'I need to reschedule' });
    const partials = recorder.all('user_transcript').filter((event) => !event.final);
    expect(partials.at(-1)?.text).toBe('I need to reschedule');

    const responseStarted = await recorder.next('response_started');
    const textDone = await recorder.next('assistant_text_done');
    expect(textDone.text).toBe('Sure, when works for you?');
    const deltas = recorder.all('assistant_text_delta').map((event) => event.delta);
    expect(deltas.join('')).toBe('Sure, when works for you?');
    const audio = recorder.all('assistant_audio');
    expect(audio.every((event) => event.itemId === textDone.itemId && event.chunk.format === PCM24K)).toBe(true);
    expect(assistantAudioBytes(recorder, textDone.itemId)).toBe(600 * 48);

    const upstreamDone = await fake.waitForServerEvent('response.done');
    const usage = upstreamDone.response.usage;
    expect(done).toMatchObject({ responseId: responseStarted.responseId, status: 'completed' });
    expect(done.usage).toEqual({
      inputTokens: usage?.input_tokens,
      outputTokens: usage?.output_tokens,
      inputAudioTokens: usage?.input_token_details?.audio_tokens,
      outputAudioTokens: usage?.output_token_details?.audio_tokens,
    });
    expect(done.usage?.outputAudioTokens).toBe(12);
    expect(recorder.events.every((event) => Number.isInteger(event.atMs))).toBe(true);
    expect(recorder.all('error')).toEqual([]);
  });
});
