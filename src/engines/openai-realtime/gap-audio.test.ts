import { afterEach, describe, expect, it } from 'vitest';
import type { EngineSession } from '../../runtime/ports.ts';
import { FAKE_OPENAI_API_KEY, silenceAudio, startFakeOpenAIRealtime, toneAudio, type FakeRealtimeServer } from '../../testing/fake-openai-realtime/index.ts';
import { createOpenAIRealtimeEngine } from './engine.ts';
import { EventRecorder, MULAW8K, sendInChunks, sessionConfig } from '../../testing/openai-realtime-test-harness.ts';

let fake: FakeRealtimeServer | undefined;
let session: EngineSession | undefined;

afterEach(async () => {
  await session?.close();
  await fake?.close();
});

const pcmu = { type: 'audio/pcmu' } as const;

describe('caller audio sent while the upstream socket is not open', () => {
  it('is held and delivered in full after the new session.update, and its turn is answered', async () => {
    fake = await startFakeOpenAIRealtime({ connectDelayMs: 300, script: { userSays: ['Spoken during the gap.'] } });
    const engine = createOpenAIRealtimeEngine({ apiKey: FAKE_OPENAI_API_KEY, baseUrl: fake.baseUrl, model: 'gpt-realtime-2' });
    session = await engine.open(sessionConfig({ inputFormat: MULAW8K, outputFormat: MULAW8K }), new AbortController().signal);
    const recorder = new EventRecorder(session);

    fake.dropAll();
    await recorder.next('reconnecting');
    const gapAudio = Buffer.concat([silenceAudio(200, pcmu), toneAudio(500, pcmu), silenceAudio(700, pcmu)]);
    sendInChunks(session, gapAudio, MULAW8K);
    await recorder.next('reconnected');

    const final = await recorder.next('user_transcript', (event) => event.final);
    expect(final.text).toBe('Spoken during the gap.');
    const second = await fake.waitForSession(2);
    expect(second.audio).toMatchObject({ bytesReceived: gapAudio.length, appendsBeforeSessionUpdate: 0 });
    expect(second.clientEvents[0]?.event?.type).toBe('session.update');
    // Held audio is coalesced into few appends rather than one per 20 ms chunk.
    expect(second.audio.appendCount).toBeLessThan(gapAudio.length / 160);
    expect((await fake.waitForSession(1)).audio.bytesReceived).toBe(0);
  });
});
