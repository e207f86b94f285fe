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
const lookupOrder = { name: 'lookup_order', description: 'Find an order by id', parameters: { type: 'object', properties: { id: { type: 'string' } } } };

describe('the function-call round trip', () => {
  it('emits tool_call once, sends the output then response.create after the call response is done, and speaks the result', async () => {
    fake = await startFakeOpenAIRealtime({
      script: {
        userSays: ['Where is order 42?'],
        replies: [[{ type: 'message', text: 'Let me check.', audioMs: 300 }, { type: 'function_call', name: 'lookup_order', arguments: { id: '42' }, callId: 'call_42' }]],
      },
    });
    const engine = createOpenAIRealtimeEngine({ apiKey: FAKE_OPENAI_API_KEY, baseUrl: fake.baseUrl, model: 'gpt-realtime-2' });
    session = await engine.open(sessionConfig({ inputFormat: MULAW8K, outputFormat: MULAW8K, tools: [lookupOrder] }), new AbortController().signal);
    const recorder = new EventRecorder(session);
    sendInChunks(session, Buffer.concat([toneAudio(400, pcmu), silenceAudio(700, pcmu)]), MULAW8K);

    const call = await recorder.next('tool_call');
    expect(call).toMatchObject({ callId: 'call_42', name: 'lookup_order', arguments: '{"id":"42"}' });
    // The runtime answers at once, possibly before the function-call response has finished.
    session.sendToolResult({ callId: call.callId, output: '{"status":"shipped"}' });
    await recorder.next('response_done');
    const spoken = await recorder.next('assistant_text_done', (event) => event.text.startsWith('The tool returned'));
    expect(spoken.text).toBe('The tool returned: {"status":"shipped"}');
    await recorder.next('response_done');

    const upstream = await fake.waitForSession();
    const log = fake.events.filter((entry) => entry.sessionId === upstream.id);
    const clientIndex = (type: string): number => log.findIndex((entry) => entry.direction === 'client' && entry.event.event?.type === type);
    const firstDone = log.findIndex((entry) => entry.direction === 'server' && entry.event.type === 'response.done');
    const output = clientIndex('conversation.item.create');
    const create = clientIndex('response.create');
    expect(output).toBeGreaterThan(0);
    expect(create).toBeGreaterThan(output);
    expect(create).toBeGreaterThan(firstDone);
    const item = upstream.clientEvents.find((event) => event.event?.type === 'conversation.item.create')?.event;
    expect(item).toEqual({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: 'call_42', output: '{"status":"shipped"}' } });
    expect(upstream.clientEvents.filter((event) => event.event?.type === 'response.create')).toHaveLength(1);
    expect(recorder.all('tool_call')).toHaveLength(1);
    expect(upstream.serverEvents.filter((event) => event.type === 'error')).toEqual([]);
  });
});
