import { afterEach, describe, expect, it } from 'vitest';
import { startFakeOpenAIRealtime, type FakeRealtimeServer } from './index.ts';
import { eventTypes, openPhoneSession } from './scenario.ts';

let server: FakeRealtimeServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('function calling', () => {
  it('runs the GA round trip: call → function_call_output → response.create → spoken result', async () => {
    server = await startFakeOpenAIRealtime({
      pacing: { speedFactor: Number.POSITIVE_INFINITY },
      script: {
        userSays: ['Where is order 42?'],
        replies: [
          { type: 'function_call', name: 'lookup_order', arguments: { id: '42', include_tracking: true } },
          (context) => ({ type: 'message', text: `Spoken from ${context.lastItem?.type ?? 'nothing'}`, audioMs: 400 }),
        ],
      },
    });
    const client = await openPhoneSession(server, {
      tools: [{ type: 'function', name: 'lookup_order', description: 'Look up an order', parameters: { type: 'object', properties: { id: { type: 'string' } } } }],
    });
    const start = client.received.length;
    client.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Where is order 42?' }] } });
    client.send({ type: 'response.create' });
    const callDone = await client.next('response.function_call_arguments.done');
    const responseDone = await client.next('response.done');

    expect(eventTypes(client.received, start)).toEqual([
      'conversation.item.added',
      'conversation.item.done',
      'response.created',
      'rate_limits.updated',
      'response.output_item.added',
      'conversation.item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'conversation.item.done',
      'response.done',
    ]);
    expect(callDone).toMatchObject({ name: 'lookup_order', arguments: '{"id":"42","include_tracking":true}' });
    expect(callDone.call_id).toMatch(/^call_/);
    expect(responseDone.response.output?.[0]).toMatchObject({ type: 'function_call', status: 'completed', call_id: callDone.call_id });

    client.send({ type: 'conversation.item.create', event_id: 'evt_bad_call', item: { type: 'function_call_output', call_id: 'call_unknown', output: '{}' } });
    expect((await client.next('error')).error).toMatchObject({ code: 'invalid_value', param: 'item.call_id', event_id: 'evt_bad_call' });

    client.send({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: callDone.call_id, output: '{"status":"shipped"}' } });
    const outputDone = await server.waitForServerEvent('conversation.item.done', { where: (event) => event.item.type === 'function_call_output' });
    expect(outputDone.item).toMatchObject({ type: 'function_call_output', call_id: callDone.call_id, output: '{"status":"shipped"}', status: 'completed' });

    client.send({ type: 'response.create' });
    const spoken = await client.next('response.output_audio_transcript.done');
    expect(spoken.transcript).toBe('Spoken from function_call_output');
  });

  it('speaks a tool result by default when unscripted', async () => {
    server = await startFakeOpenAIRealtime({ pacing: { speedFactor: Number.POSITIVE_INFINITY } });
    const client = await openPhoneSession(server);
    client.send({ type: 'conversation.item.create', item: { type: 'function_call', call_id: 'call_seeded', name: 'lookup_order', arguments: '{}' } });
    client.send({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: 'call_seeded', output: 'shipped' } });
    client.send({ type: 'response.create' });
    expect((await client.next('response.output_audio_transcript.done')).transcript).toBe('The tool returned: shipped');
  });

  it('can answer with speech and a tool call in one response', async () => {
    server = await startFakeOpenAIRealtime({
      pacing: { speedFactor: Number.POSITIVE_INFINITY },
      script: { replies: [[{ type: 'message', text: 'Let me check.', audioMs: 300 }, { type: 'function_call', name: 'lookup_order', arguments: '{"id":"7"}', callId: 'call_fixed' }]] },
    });
    const client = await openPhoneSession(server);
    client.send({ type: 'response.create' });
    const done = await client.next('response.done');
    expect(done.response.output?.map((item) => item.type)).toEqual(['message', 'function_call']);
    expect(done.response.output?.[1]).toMatchObject({ call_id: 'call_fixed', arguments: '{"id":"7"}' });
  });
});
