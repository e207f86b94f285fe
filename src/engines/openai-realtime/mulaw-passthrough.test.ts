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

describe('a μ-law caller', () => {
  it('talks audio/pcmu both ways: caller bytes go up untouched, assistant audio comes back as μ-law 8 kHz', async () => {
    fake = await startFakeOpenAIRealtime({ script: { replies: [{ type: 'message', text: 'Hello from the fake.', audioMs: 500 }] } });
    const engine = createOpenAIRealtimeEngine({ apiKey: FAKE_OPENAI_API_KEY, baseUrl: fake.baseUrl, model: 'gpt-realtime-2' });
    const formats = engine.negotiateFormats({ input: MULAW8K, output: MULAW8K });
    session = await engine.open(sessionConfig({ inputFormat: formats.input, outputFormat: formats.output }), new AbortController().signal);
    const recorder = new EventRecorder(session);

    const caller = Buffer.concat([toneAudio(600, pcmu), silenceAudio(700, pcmu)]);
    sendInChunks(session, caller, MULAW8K);
    const text = await recorder.next('assistant_text_done');
    await recorder.next('response_done');

    const upstream = await fake.waitForSession();
    expect(upstream.config.audio.input.format).toEqual({ type: 'audio/pcmu' });
    expect(upstream.config.audio.output.format).toEqual({ type: 'audio/pcmu' });
    expect(upstream.audio).toMatchObject({ bytesReceived: caller.length, msReceived: 1300, appendsBeforeSessionUpdate: 0 });
    const appended = upstream.clientEvents.flatMap((event) => (event.event?.type === 'input_audio_buffer.append' ? [event.event.audio] : []));
    expect(Buffer.concat(appended.map((audio) => Buffer.from(audio, 'base64')))).toEqual(caller);

    expect(recorder.all('assistant_audio').every((event) => event.chunk.format.encoding === 'mulaw' && event.chunk.format.sampleRateHz === 8_000)).toBe(true);
    expect(assistantAudioBytes(recorder, text.itemId)).toBe(500 * 8);
  });
});
