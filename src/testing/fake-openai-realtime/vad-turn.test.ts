import { afterEach, describe, expect, it } from 'vitest';
import { toneAudio } from './audio.ts';
import { startFakeOpenAIRealtime, type FakeRealtimeServer } from './index.ts';
import { audioBytesFor, eventTypes, openPhoneSession, pcmu, speak } from './scenario.ts';

let server: FakeRealtimeServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('a VAD turn', () => {
  it('runs speech → commit → transcription → automatic response in the GA order', async () => {
    server = await startFakeOpenAIRealtime({
      pacing: { speedFactor: Number.POSITIVE_INFINITY },
      script: { userSays: ['I need to reschedule'], replies: [{ type: 'message', text: 'Sure, when works for you?', audioMs: 600 }] },
    });
    const client = await openPhoneSession(server);
    const start = client.received.length;
    speak(client, { leadMs: 500, speechMs: 800, trailMs: 700 });
    const done = await client.next('response.done');

    expect(eventTypes(client.received, start)).toEqual([
      'input_audio_buffer.speech_started',
      'input_audio_buffer.speech_stopped',
      'input_audio_buffer.committed',
      'conversation.item.added',
      'conversation.item.done',
      'conversation.item.input_audio_transcription.delta',
      'conversation.item.input_audio_transcription.completed',
      'response.created',
      'rate_limits.updated',
      'response.output_item.added',
      'conversation.item.added',
      'response.content_part.added',
      'response.output_audio.delta',
      'response.output_audio_transcript.delta',
      'response.output_audio.delta',
      'response.output_audio_transcript.delta',
      'response.output_audio.delta',
      'response.output_audio_transcript.delta',
      'response.output_audio.delta',
      'response.output_audio_transcript.delta',
      'response.output_audio.delta',
      'response.output_audio_transcript.delta',
      'response.output_audio.delta',
      'response.output_audio.done',
      'response.output_audio_transcript.done',
      'response.content_part.done',
      'response.output_item.done',
      'conversation.item.done',
      'response.done',
    ]);

    const started = await client.next('input_audio_buffer.speech_started');
    const stopped = await client.next('input_audio_buffer.speech_stopped');
    const committed = await client.next('input_audio_buffer.committed');
    const transcript = await client.next('conversation.item.input_audio_transcription.completed');
    // Speech began at 500 ms; the start includes 300 ms of prefix padding, the stop 500 ms of silence.
    expect(started.audio_start_ms).toBe(200);
    expect(stopped.audio_end_ms).toBe(1800);
    expect(new Set([started.item_id, stopped.item_id, committed.item_id, transcript.item_id]).size).toBe(1);
    expect(transcript.transcript).toBe('I need to reschedule');
    expect(transcript.usage).toMatchObject({ type: 'tokens', input_token_details: { audio_tokens: 16 } });

    const assistant = done.response.output?.[0];
    expect(done.response).toMatchObject({ status: 'completed', output_modalities: ['audio'], audio: { output: { format: pcmu } } });
    expect(assistant).toMatchObject({ type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_audio', transcript: 'Sure, when works for you?' }] });
    expect(audioBytesFor(client.received, assistant?.id ?? '')).toBe(600 * 8);
    expect(done.response.usage).toMatchObject({ output_token_details: { audio_tokens: 12 }, input_token_details: { audio_tokens: 16 } });
    const session = await server.waitForSession();
    expect(session.items.map((item) => item.type === 'message' && item.role)).toEqual(['user', 'assistant']);
    expect(session.audio).toMatchObject({ bytesReceived: 2000 * 8, msReceived: 2000, appendsBeforeSessionUpdate: 0 });
  });

  it('can deliver the input transcription after response.created, as the asynchronous real API often does', async () => {
    server = await startFakeOpenAIRealtime({ transcriptionOrder: 'after-response-created', pacing: { speedFactor: Number.POSITIVE_INFINITY } });
    const client = await openPhoneSession(server);
    const start = client.received.length;
    speak(client, { speechMs: 400, trailMs: 600 });
    await client.next('response.done');
    const types = eventTypes(client.received, start);
    expect(types.indexOf('conversation.item.input_audio_transcription.completed')).toBeGreaterThan(types.indexOf('response.created'));
    expect(types.indexOf('conversation.item.input_audio_transcription.completed')).toBeLessThan(types.indexOf('response.output_item.added'));
  });

  it('echoes the scripted caller words when no reply is scripted', async () => {
    server = await startFakeOpenAIRealtime({ pacing: { speedFactor: Number.POSITIVE_INFINITY } });
    server.script({ userSays: ['What time do you open?'] });
    const client = await openPhoneSession(server);
    speak(client, { speechMs: 400, trailMs: 600 });
    const transcript = await client.next('response.output_audio_transcript.done');
    expect(transcript.transcript).toBe('You said: What time do you open?');
  });

  it('ends a semantic_vad turn after the eagerness-dependent silence', async () => {
    server = await startFakeOpenAIRealtime({ pacing: { speedFactor: Number.POSITIVE_INFINITY } });
    const client = await openPhoneSession(server, {
      audio: { input: { format: pcmu, turn_detection: { type: 'semantic_vad', eagerness: 'high' } } },
    });
    speak(client, { leadMs: 100, speechMs: 400, trailMs: 450 });
    const stopped = await client.next('input_audio_buffer.speech_stopped');
    expect(stopped.audio_end_ms).toBe(900);
    await client.next('response.done');
  });

  it('stays silent with create_response false but still reports the turn', async () => {
    server = await startFakeOpenAIRealtime();
    const client = await openPhoneSession(server, {
      audio: { input: { format: pcmu, turn_detection: { type: 'server_vad', create_response: false, interrupt_response: false } } },
    });
    speak(client, { speechMs: 400, trailMs: 600 });
    await client.next('conversation.item.done');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(client.received.some((event) => event.type === 'response.created')).toBe(false);
  });
});

describe('manual turns (turn_detection null)', () => {
  it('commits on request, answers only response.create, and rejects an empty commit', async () => {
    server = await startFakeOpenAIRealtime({ pacing: { speedFactor: Number.POSITIVE_INFINITY } });
    const client = await openPhoneSession(server, {
      audio: { input: { format: pcmu, transcription: { model: 'whisper-1' }, turn_detection: null } },
    });
    const start = client.received.length;
    client.send({ type: 'input_audio_buffer.commit', event_id: 'evt_commit_empty' });
    const empty = await client.next('error');
    expect(empty.error).toMatchObject({
      code: 'input_audio_buffer_commit_empty',
      event_id: 'evt_commit_empty',
      message: 'Error committing input audio buffer: buffer too small. Expected at least 100ms of audio, but buffer only has 0.00ms of audio.',
    });
    client.appendAudio(toneAudio(300, pcmu));
    client.send({ type: 'input_audio_buffer.commit' });
    await client.next('conversation.item.done');
    client.appendAudio(toneAudio(200, pcmu));
    client.send({ type: 'input_audio_buffer.clear' });
    await client.next('input_audio_buffer.cleared');
    expect(eventTypes(client.received, start)).toEqual([
      'error',
      'input_audio_buffer.committed',
      'conversation.item.added',
      'conversation.item.done',
      'conversation.item.input_audio_transcription.delta',
      'conversation.item.input_audio_transcription.completed',
      'input_audio_buffer.cleared',
    ]);
    client.send({ type: 'response.create', response: { instructions: 'Answer briefly.', metadata: { turn: 'one' } } });
    const done = await client.next('response.done');
    expect(done.response).toMatchObject({ status: 'completed', metadata: { turn: 'one' } });
  });

  it('streams text deltas instead of audio for a text-only session', async () => {
    server = await startFakeOpenAIRealtime({ pacing: { speedFactor: Number.POSITIVE_INFINITY }, script: { replies: [{ type: 'message', text: 'Plain text answer' }] } });
    const client = await openPhoneSession(server, { output_modalities: ['text'] });
    const start = client.received.length;
    client.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hi' }] } });
    client.send({ type: 'response.create' });
    const done = await client.next('response.done');
    expect(eventTypes(client.received, start).slice(2)).toEqual([
      'response.created',
      'rate_limits.updated',
      'response.output_item.added',
      'conversation.item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'conversation.item.done',
      'response.done',
    ]);
    expect(done.response.output?.[0]).toMatchObject({ content: [{ type: 'output_text', text: 'Plain text answer' }] });
  });
});
