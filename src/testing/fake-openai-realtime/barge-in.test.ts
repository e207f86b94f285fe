import { afterEach, describe, expect, it } from 'vitest';
import { startFakeOpenAIRealtime, type FakeRealtimeServer } from './index.ts';
import { audioBytesFor, eventTypes, openPhoneSession, pcmu, speak } from './scenario.ts';

let server: FakeRealtimeServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

const longAnswer = { type: 'message', text: 'This is a long answer that the caller will interrupt halfway through', audioMs: 4000 } as const;

async function startLongAnswer(options: { interruptResponse?: boolean } = {}) {
  server = await startFakeOpenAIRealtime({
    pacing: { speedFactor: 8 },
    script: { userSays: ['Tell me everything.', 'Wait, stop.'], replies: [longAnswer, { type: 'message', text: 'Okay, go ahead.', audioMs: 300 }] },
  });
  const client = await openPhoneSession(server, {
    audio: {
      input: {
        format: pcmu,
        turn_detection: { type: 'server_vad', interrupt_response: options.interruptResponse ?? true },
      },
      output: { format: pcmu },
    },
  });
  speak(client, { speechMs: 300, trailMs: 600 });
  const added = await client.next('response.output_item.added');
  for (let i = 0; i < 3; i += 1) await client.next('response.output_audio.delta');
  return { server, client, itemId: added.item.id ?? '' };
}

describe('barge-in', () => {
  it('cancels the response on speech, then validates truncation against the audio generated', async () => {
    const { server: fake, client, itemId } = await startLongAnswer();
    await client.next('input_audio_buffer.speech_started'); // the first turn's
    speak(client, { speechMs: 300, trailMs: 600 });
    const started = await client.next('input_audio_buffer.speech_started');
    const cancelled = await client.next('response.done');

    const from = client.received.indexOf(started);
    const to = client.received.indexOf(cancelled);
    expect(eventTypes(client.received.slice(from, to + 1))).toEqual([
      'input_audio_buffer.speech_started',
      'response.output_audio.done',
      'response.output_audio_transcript.done',
      'response.content_part.done',
      'response.output_item.done',
      'conversation.item.done',
      'response.done',
    ]);
    expect(cancelled.response).toMatchObject({ status: 'cancelled', status_details: { type: 'cancelled', reason: 'turn_detected' } });
    expect(cancelled.response.output?.[0]).toMatchObject({ id: itemId, status: 'incomplete' });

    const generatedMs = audioBytesFor(client.received, itemId) / 8;
    expect(generatedMs).toBeGreaterThanOrEqual(300);
    expect(generatedMs).toBeLessThan(4000);

    client.send({ type: 'conversation.item.truncate', event_id: 'evt_too_far', item_id: itemId, content_index: 0, audio_end_ms: generatedMs + 500 });
    const tooFar = await client.next('error');
    expect(tooFar.error).toMatchObject({
      type: 'invalid_request_error',
      code: 'invalid_value',
      event_id: 'evt_too_far',
      message: `Audio content of ${String(generatedMs)}ms is already shorter than ${String(generatedMs + 500)}ms`,
    });
    client.send({ type: 'conversation.item.truncate', item_id: itemId, content_index: 0, audio_end_ms: 120.5 });
    expect((await client.next('error')).error).toMatchObject({ code: 'invalid_type', param: 'audio_end_ms' });
    client.send({ type: 'conversation.item.truncate', item_id: itemId, content_index: 0, audio_end_ms: generatedMs - 50 });
    const truncated = await client.next('conversation.item.truncated');
    expect(truncated).toMatchObject({ item_id: itemId, content_index: 0, audio_end_ms: generatedMs - 50 });

    const session = await fake.waitForSession();
    expect(session.truncations.map(({ audioEndMs, accepted }) => ({ audioEndMs, accepted }))).toEqual([
      { audioEndMs: generatedMs + 500, accepted: false },
      { audioEndMs: 120.5, accepted: false },
      { audioEndMs: generatedMs - 50, accepted: true },
    ]);
    expect(session.truncations[0]?.generatedAudioMs).toBe(generatedMs);
    // Truncation drops the transcript of the unheard answer on the server side.
    expect(session.items.find((item) => item.id === itemId)).toMatchObject({ content: [{ type: 'output_audio', transcript: '' }] });

    const next = await fake.waitForServerEvent('response.done', { where: (event) => event.response.status === 'completed' });
    expect(next.response.output?.[0]).toMatchObject({ content: [{ transcript: 'Okay, go ahead.' }] });
  });

  it('lets the response finish when interrupt_response is false, then answers the new turn', async () => {
    const { server: fake, client } = await startLongAnswer({ interruptResponse: false });
    speak(client, { speechMs: 300, trailMs: 600 });
    await client.next('input_audio_buffer.speech_started');
    const first = await client.next('response.done');
    const second = await client.next('response.done');
    expect([first.response.status, second.response.status]).toEqual(['completed', 'completed']);
    expect(second.response.output?.[0]).toMatchObject({ content: [{ transcript: 'Okay, go ahead.' }] });
    expect((await fake.waitForSession()).truncations).toEqual([]);
  });

  it('accepts response.cancel while active and rejects it when idle', async () => {
    const { client } = await startLongAnswer();
    client.send({ type: 'response.create', event_id: 'evt_overlap' });
    expect((await client.next('error')).error).toMatchObject({ code: 'conversation_already_has_active_response', event_id: 'evt_overlap' });
    client.send({ type: 'response.cancel' });
    const done = await client.next('response.done');
    expect(done.response).toMatchObject({ status: 'cancelled', status_details: { reason: 'client_cancelled' } });
    client.send({ type: 'response.cancel', event_id: 'evt_cancel_idle' });
    expect((await client.next('error')).error).toMatchObject({
      code: 'response_cancel_not_active',
      message: 'Cancellation failed: no active response found',
      event_id: 'evt_cancel_idle',
    });
  });

  it('rejects truncating an unknown item or a user item', async () => {
    const { server: fake, client } = await startLongAnswer();
    const session = await fake.waitForSession();
    const userItem = session.items.find((item) => item.type === 'message' && item.role === 'user');
    client.send({ type: 'conversation.item.truncate', item_id: 'item_missing', content_index: 0, audio_end_ms: 10 });
    expect((await client.next('error')).error).toMatchObject({ code: 'item_truncate_invalid_item_id' });
    client.send({ type: 'conversation.item.truncate', item_id: userItem?.id ?? '', content_index: 0, audio_end_ms: 10 });
    expect((await client.next('error')).error).toMatchObject({
      code: 'unsupported_content_type',
      message: 'Only model output audio messages can be truncated',
    });
  });
});
