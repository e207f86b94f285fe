import { afterEach, describe, expect, it } from 'vitest';
import type { EngineSession } from '../../runtime/ports.ts';
import { FAKE_OPENAI_API_KEY, startFakeOpenAIRealtime, toneAudio, type FakeRealtimeServer } from '../../testing/fake-openai-realtime/index.ts';
import { createOpenAIRealtimeEngine } from './engine.ts';
import { EventRecorder, MULAW8K, sendInChunks, sessionConfig } from '../../testing/openai-realtime-test-harness.ts';

let fake: FakeRealtimeServer | undefined;
let session: EngineSession | undefined;

afterEach(async () => {
  await session?.close();
  await fake?.close();
});

const pcmu = { type: 'audio/pcmu' } as const;

describe('commitUserTurn()', () => {
  it('commits the buffered caller audio and asks for a reply (a turn ended by the runtime, not the VAD)', async () => {
    fake = await startFakeOpenAIRealtime({ script: { userSays: ['Ended by the runtime.'] } });
    const engine = createOpenAIRealtimeEngine({ apiKey: FAKE_OPENAI_API_KEY, baseUrl: fake.baseUrl, model: 'gpt-realtime-2' });
    session = await engine.open(sessionConfig({ inputFormat: MULAW8K, outputFormat: MULAW8K }), new AbortController().signal);
    const recorder = new EventRecorder(session);
    // Speech with no trailing silence: the VAD never ends this turn by itself.
    sendInChunks(session, toneAudio(600, pcmu), MULAW8K);
    await recorder.next('speech_started');
    session.commitUserTurn();

    const final = await recorder.next('user_transcript', (event) => event.final);
    expect(final.text).toBe('Ended by the runtime.');
    const answer = await recorder.next('assistant_text_done');
    expect(answer.text).toBe('You said: Ended by the runtime.');
    const upstream = await fake.waitForSession();
    const sent = upstream.clientEvents.map((event) => event.event?.type).filter((type) => type !== 'input_audio_buffer.append');
    expect(sent).toEqual(['session.update', 'input_audio_buffer.commit', 'response.create']);
    expect(upstream.serverEvents.filter((event) => event.type === 'error')).toEqual([]);
  });
});
