import type { ConversationItem } from 'openai/resources/realtime/realtime';
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
const utterance = Buffer.concat([toneAudio(400, pcmu), silenceAudio(700, pcmu)]);

type MessageItem = Extract<ConversationItem, { type: 'message' }>;

function partText(part: MessageItem['content'][number]): string {
  return part.text ?? ('transcript' in part ? part.transcript : undefined) ?? '';
}

function messages(items: readonly ConversationItem[]): string[] {
  return items.flatMap((item) => (item.type === 'message' ? [`${item.role}: ${item.content.map(partText).join('')}`] : []));
}

describe('session_expired mid-call', () => {
  it('reconnects within 2 s, re-seeds the conversation once, and the next turn has the context', async () => {
    // A realistic ~300 ms WebSocket setup, paid again by the reconnect.
    fake = await startFakeOpenAIRealtime({
      connectDelayMs: 300,
      script: {
        userSays: ['I want a refund.', 'Is that done?'],
        replies: [
          { type: 'message', text: 'I can help with that.', audioMs: 400 },
          (context) => ({ type: 'message', text: `Context: ${messages(context.conversation).join(' | ')}`, audioMs: 400 }),
        ],
      },
    });
    const engine = createOpenAIRealtimeEngine({ apiKey: FAKE_OPENAI_API_KEY, baseUrl: fake.baseUrl, model: 'gpt-realtime-2' });
    const history = [
      { role: 'user', text: 'Hi, this is Sam.' },
      { role: 'assistant', text: 'Hello Sam, how can I help?' },
    ] as const;
    session = await engine.open(sessionConfig({ inputFormat: MULAW8K, outputFormat: MULAW8K, history }), new AbortController().signal);
    const recorder = new EventRecorder(session);
    sendInChunks(session, utterance, MULAW8K);
    await recorder.next('response_done');

    const expiredAt = Date.now();
    fake.expireSession('all');
    expect(await recorder.next('reconnecting')).toMatchObject({ reason: 'session_expired' });
    const reconnected = await recorder.next('reconnected', () => true, 2_000);
    expect(Date.now() - expiredAt).toBeLessThan(2_000);
    expect(reconnected.gapMs).toBeLessThan(2_000);

    const second = await fake.waitForSession(2);
    const seeded = [
      'user: Hi, this is Sam.',
      'assistant: Hello Sam, how can I help?',
      'user: I want a refund.',
      'assistant: I can help with that.',
    ];
    await fake.waitForServerEvent('conversation.item.done', {
      sessionId: second.id,
      where: (event) => messages([event.item]).includes('assistant: I can help with that.'),
    });
    expect(messages(second.items)).toEqual(seeded);
    expect(second.clientEvents.slice(0, 5).map((event) => event.event?.type)).toEqual(['session.update', ...seeded.map(() => 'conversation.item.create')]);
    expect(second.clientEvents.every((event) => event.error === null)).toBe(true);
    // Nothing was waiting for a reply, so the engine did not ask for one.
    expect(second.clientEvents.some((event) => event.event?.type === 'response.create')).toBe(false);

    sendInChunks(session, utterance, MULAW8K);
    const answer = await recorder.next('assistant_text_done', (event) => event.text.startsWith('Context:'));
    expect(answer.text).toBe(`Context: ${[...seeded, 'user: Is that done?'].join(' | ')}`);

    // The runtime's transcript: every turn once, none lost, none repeated.
    expect(recorder.all('user_transcript').filter((event) => event.final).map((event) => event.text)).toEqual(['I want a refund.', 'Is that done?']);
    expect(recorder.all('assistant_text_done').map((event) => event.text)).toEqual(['I can help with that.', answer.text]);
    expect(recorder.all('error')).toEqual([]);
  });
});
