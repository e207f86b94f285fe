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

describe('barge-in when the server does not interrupt (interruptResponse: false)', () => {
  it('cancels the active response itself, then truncates; a repeated interrupt sends nothing more', async () => {
    fake = await startFakeOpenAIRealtime({
      pacing: { speedFactor: 8 },
      script: { replies: [{ type: 'message', text: 'An answer the runtime decides to cut', audioMs: 4000 }] },
    });
    const engine = createOpenAIRealtimeEngine({ apiKey: FAKE_OPENAI_API_KEY, baseUrl: fake.baseUrl, model: 'gpt-realtime-2' });
    const options = { turnDetection: { type: 'server_vad', interruptResponse: false } };
    session = await engine.open(sessionConfig({ inputFormat: MULAW8K, outputFormat: MULAW8K, options }), new AbortController().signal);
    const recorder = new EventRecorder(session);
    sendInChunks(session, Buffer.concat([toneAudio(300, pcmu), silenceAudio(600, pcmu)]), MULAW8K);
    const { itemId } = await recorder.next('assistant_audio');
    await recorder.next('assistant_audio', () => assistantAudioBytes(recorder, itemId) >= 800 * 8);

    session.interrupt({ itemId, heardMs: 450 });
    session.interrupt({ itemId, heardMs: 450 });
    const done = await recorder.next('response_done');
    expect(done.status).toBe('cancelled');

    const upstream = await fake.waitForSession();
    await fake.waitForServerEvent('conversation.item.truncated');
    const sent = upstream.clientEvents.map((event) => event.event?.type).filter((type) => type !== 'input_audio_buffer.append');
    expect(sent).toEqual(['session.update', 'response.cancel', 'conversation.item.truncate']);
    expect(upstream.truncations.map((truncate) => [truncate.audioEndMs, truncate.accepted])).toEqual([[450, true]]);
    expect(upstream.serverEvents.filter((event) => event.type === 'error')).toEqual([]);
  });
});
