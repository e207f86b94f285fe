import type { ConversationItem } from 'openai/resources/realtime/realtime';
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

function assistantTexts(items: readonly ConversationItem[]): string[] {
  return items.flatMap((item) => (item.type === 'message' && item.role === 'assistant' ? item.content.map((part) => part.text ?? '') : []));
}

describe('session_expired while the assistant is speaking', () => {
  it('finishes the cut item once with what was generated, re-seeds only the part the caller heard, and does not re-ask', async () => {
    const reply = 'one two three four five six seven eight nine ten';
    fake = await startFakeOpenAIRealtime({ pacing: { speedFactor: 4 }, script: { replies: [{ type: 'message', text: reply, audioMs: 4000 }] } });
    const engine = createOpenAIRealtimeEngine({ apiKey: FAKE_OPENAI_API_KEY, baseUrl: fake.baseUrl, model: 'gpt-realtime-2' });
    session = await engine.open(sessionConfig({ inputFormat: MULAW8K, outputFormat: MULAW8K }), new AbortController().signal);
    const recorder = new EventRecorder(session);
    sendInChunks(session, Buffer.concat([toneAudio(400, pcmu), silenceAudio(700, pcmu)]), MULAW8K);
    const { itemId } = await recorder.next('assistant_audio');
    await recorder.next('assistant_audio', () => assistantAudioBytes(recorder, itemId) >= 2_000 * 8);

    fake.expireSession('all');
    await recorder.next('reconnecting');
    const cut = await recorder.next('assistant_text_done');
    expect(cut.itemId).toBe(itemId);
    expect(reply.startsWith(cut.text)).toBe(true);
    expect(cut.text.length).toBeLessThan(reply.length);
    expect(await recorder.next('response_done')).toMatchObject({ status: 'incomplete' });
    // The runtime learns from the transport that the caller heard only the first second, and cuts the item.
    session.interrupt({ itemId, heardMs: 1_000 });

    await recorder.next('reconnected');
    const second = await fake.waitForSession(2);
    await fake.waitForServerEvent('conversation.item.done', { sessionId: second.id });
    const generatedMs = assistantAudioBytes(recorder, itemId) / 8;
    const heardWords = Math.ceil(cut.text.split(' ').length * (1_000 / generatedMs));
    expect(assistantTexts(second.items)).toEqual([cut.text.split(' ').slice(0, heardWords).join(' ')]);
    expect(second.clientEvents.some((event) => event.event?.type === 'response.create')).toBe(false);
    expect(recorder.all('assistant_text_done')).toHaveLength(1);
    expect(recorder.all('response_done')).toHaveLength(1);
  });
});
