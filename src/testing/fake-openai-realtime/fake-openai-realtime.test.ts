import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { connectTestClient, startFakeOpenAIRealtime, toneAudio, type FakeRealtimeServer } from './index.ts';
import { UpgradeRejectedError } from './test-client.ts';

let server: FakeRealtimeServer;

beforeEach(async () => {
  server = await startFakeOpenAIRealtime();
});

afterEach(async () => {
  await server.close();
});

describe('handshake', () => {
  it('serves /v1/realtime under an http base URL on an ephemeral loopback port', () => {
    expect(server.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(server.realtimeUrl('gpt-realtime-2')).toBe(`ws://127.0.0.1:${String(server.port)}/v1/realtime?model=gpt-realtime-2`);
  });

  it('greets with a GA-shaped session.created', async () => {
    const client = await connectTestClient(server, { model: 'gpt-realtime-2' });
    const created = await client.next('session.created');
    const session = await server.waitForSession();
    expect(created.session).toMatchObject({
      type: 'realtime',
      object: 'realtime.session',
      id: session.id,
      model: 'gpt-realtime-2',
      output_modalities: ['audio'],
      tool_choice: 'auto',
      tools: [],
      max_output_tokens: 'inf',
      audio: {
        input: {
          format: { type: 'audio/pcm', rate: 24_000 },
          transcription: null,
          noise_reduction: null,
          turn_detection: { type: 'server_vad', threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 500, create_response: true, interrupt_response: true },
        },
        output: { format: { type: 'audio/pcm', rate: 24_000 }, voice: 'marin', speed: 1 },
      },
    });
    expect(created.session.id).toMatch(/^sess_/);
    expect(created.event_id).toMatch(/^event_/);
    expect(session.requestHeaders['authorization']).toBe('Bearer sk-fake-realtime-test-key');
    client.close();
  });

  it.each([
    ['a wrong key', 'sk-wrong-key-123456'],
    ['no key', null],
  ])('rejects the upgrade with 401 for %s', async (_label, apiKey) => {
    const attempt = connectTestClient(server, { apiKey });
    await expect(attempt).rejects.toBeInstanceOf(UpgradeRejectedError);
    await expect(attempt).rejects.toMatchObject({ status: 401 });
    expect(server.rejectedUpgrades.map((rejection) => rejection.status)).toEqual([401]);
    expect(server.sessions).toHaveLength(0);
  });

  it('accepts a configured key and the browser subprotocol form of it', async () => {
    const custom = await startFakeOpenAIRealtime({ apiKey: 'sk-project-key' });
    try {
      const viaHeader = await connectTestClient(custom, { apiKey: 'sk-project-key' });
      const viaProtocol = await connectTestClient(custom, { apiKey: null, protocols: ['realtime', 'openai-insecure-api-key.sk-project-key'] });
      expect(viaProtocol.socket.protocol).toBe('realtime');
      await viaHeader.next('session.created');
      await viaProtocol.next('session.created');
      expect(custom.sessions).toHaveLength(2);
    } finally {
      await custom.close();
    }
  });

  it('requires the model query parameter and the realtime path', async () => {
    const status = (url: string): Promise<number> =>
      new Promise((resolve) => {
        const socket = new WebSocket(url, { headers: { authorization: 'Bearer sk-fake-realtime-test-key' } });
        socket.on('unexpected-response', (_req, res) => {
          resolve(res.statusCode ?? 0);
        });
        socket.on('error', () => undefined);
      });
    const origin = `ws://127.0.0.1:${String(server.port)}`;
    expect(await status(`${origin}/v1/realtime`)).toBe(400);
    expect(await status(`${origin}/v1/other?model=gpt-realtime`)).toBe(404);
  });

  it('answers the removed beta header with an error and closes', async () => {
    const client = await connectTestClient(server, { headers: { 'OpenAI-Beta': 'realtime=v1' } });
    const error = await client.next('error');
    expect(error.error).toMatchObject({ type: 'invalid_request_error', code: 'beta_api_removed' });
    expect((await client.closed).code).toBe(1008);
    expect(client.received.some((event) => event.type === 'session.created')).toBe(false);
  });
});

describe('session.update', () => {
  it('accepts the GA shape and replies with the merged session', async () => {
    const client = await connectTestClient(server);
    await client.next('session.created');
    client.send({
      type: 'session.update',
      event_id: 'evt_update_1',
      session: {
        type: 'realtime',
        instructions: 'You are a phone agent.',
        audio: {
          input: {
            format: { type: 'audio/pcmu' },
            transcription: { model: 'gpt-4o-mini-transcribe', language: 'en' },
            turn_detection: { type: 'server_vad', silence_duration_ms: 700 },
            noise_reduction: { type: 'near_field' },
          },
          output: { format: { type: 'audio/pcmu' }, voice: 'cedar' },
        },
        tools: [{ type: 'function', name: 'lookup_order', description: 'Finds an order', parameters: { type: 'object', properties: {} } }],
        tool_choice: 'auto',
        max_output_tokens: 1024,
      },
    });
    const updated = await client.next('session.updated');
    expect(updated.session).toMatchObject({
      instructions: 'You are a phone agent.',
      output_modalities: ['audio'],
      max_output_tokens: 1024,
      audio: {
        input: {
          format: { type: 'audio/pcmu' },
          transcription: { model: 'gpt-4o-mini-transcribe', language: 'en' },
          turn_detection: { type: 'server_vad', threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 700 },
          noise_reduction: { type: 'near_field' },
        },
        output: { format: { type: 'audio/pcmu' }, voice: 'cedar', speed: 1 },
      },
    });
    expect(updated.event_id).not.toBe('evt_update_1');
    client.send({ type: 'session.update', session: { type: 'realtime', audio: { input: { turn_detection: null } } } });
    const second = await client.next('session.updated');
    expect(second.session.audio.input.turn_detection).toBeNull();
    expect(second.session.audio.input.format).toEqual({ type: 'audio/pcmu' });
    expect(second.session.instructions).toBe('You are a phone agent.');
  });

  it.each([
    ['top-level input_audio_format', { type: 'realtime', input_audio_format: 'g711_ulaw' }, 'unknown_parameter', 'session.input_audio_format'],
    ['top-level voice', { type: 'realtime', voice: 'alloy' }, 'unknown_parameter', 'session.voice'],
    ['top-level turn_detection', { type: 'realtime', turn_detection: { type: 'server_vad' } }, 'unknown_parameter', 'session.turn_detection'],
    ['modalities', { type: 'realtime', modalities: ['text', 'audio'] }, 'unknown_parameter', 'session.modalities'],
    ['input_audio_transcription', { type: 'realtime', input_audio_transcription: { model: 'whisper-1' } }, 'unknown_parameter', 'session.input_audio_transcription'],
    ['temperature', { type: 'realtime', temperature: 0.8 }, 'unknown_parameter', 'session.temperature'],
    ['a string format', { type: 'realtime', audio: { input: { format: 'g711_ulaw' } } }, 'invalid_type', 'session.audio.input.format'],
    ['a beta format name', { type: 'realtime', audio: { output: { format: { type: 'pcm16' } } } }, 'invalid_value', 'session.audio.output.format.type'],
    ['a missing session.type', { instructions: 'hi' }, 'missing_required_parameter', 'session.type'],
    ['audio and text together', { type: 'realtime', output_modalities: ['audio', 'text'] }, 'invalid_value', 'session.output_modalities'],
    ['a Chat Completions tool wrapper', { type: 'realtime', tools: [{ type: 'function', function: { name: 'x' } }] }, 'unknown_parameter', 'session.tools[0].function'],
    ['a pcm rate other than 24000', { type: 'realtime', audio: { input: { format: { type: 'audio/pcm', rate: 16_000 } } } }, 'invalid_value', 'session.audio.input.format.rate'],
  ])('rejects %s like the real API', async (_label, session, code, param) => {
    const client = await connectTestClient(server);
    await client.next('session.created');
    client.send({ type: 'session.update', event_id: 'evt_bad', session });
    const error = await client.next('error');
    expect(error.error).toMatchObject({ type: 'invalid_request_error', code, param, event_id: 'evt_bad' });
    expect(error.error.message).not.toBe('');
    const fake = await server.waitForSession();
    expect(fake.config.audio.input.format).toEqual({ type: 'audio/pcm', rate: 24_000 });
    expect(fake.clientEvents.at(-1)).toMatchObject({ event: null, error: { code } });
    expect(client.received.some((event) => event.type === 'session.updated')).toBe(false);
  });

  it('words errors the way the real API does', async () => {
    const client = await connectTestClient(server);
    await client.next('session.created');
    client.send({ type: 'session.update', session: { type: 'realtime', voice: 'alloy' } });
    client.send({ type: 'session.update', session: { type: 'realtime', audio: { input: { format: 'g711_ulaw' } } } });
    client.send({ type: 'session.update', session: { type: 'realtime', audio: { input: { format: { type: 'pcm16' } } } } });
    const messages = [await client.next('error'), await client.next('error'), await client.next('error')].map((event) => event.error.message);
    expect(messages).toEqual([
      "Unknown parameter: 'session.voice'.",
      "Invalid type for 'session.audio.input.format': expected an object, but got a string instead.",
      "Invalid value: 'pcm16'. Supported values are: 'audio/pcm', 'audio/pcmu', and 'audio/pcma'.",
    ]);
  });

  it('rejects unknown or beta event names, beta response fields and malformed JSON', async () => {
    const client = await connectTestClient(server);
    await client.next('session.created');
    client.send({ type: 'transcription_session.update', event_id: 'evt_1', session: {} });
    expect((await client.next('error')).error).toMatchObject({ code: 'invalid_value', param: 'type', event_id: 'evt_1' });
    client.send({ type: 'response.create', response: { modalities: ['audio'] } });
    expect((await client.next('error')).error).toMatchObject({ code: 'unknown_parameter', param: 'response.modalities' });
    client.socket.send('{not json');
    expect((await client.next('error')).error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_json' });
  });
});

describe('input audio', () => {
  it('measures audio appended before session.update in the default 24 kHz PCM, and rejects bad base64', async () => {
    const client = await connectTestClient(server);
    await client.next('session.created');
    // A relay that forwards Twilio μ-law before configuring the session: 1600 bytes are 33 ms of PCM16, not 200 ms.
    client.appendAudio(toneAudio(200, { type: 'audio/pcmu' }), 1600);
    client.send({ type: 'input_audio_buffer.append', event_id: 'evt_b64', audio: 'not base64!' });
    expect((await client.next('error')).error).toMatchObject({ code: 'invalid_value', param: 'audio', event_id: 'evt_b64' });
    const session = await server.waitForSession();
    expect(session.audio.appendsBeforeSessionUpdate).toBe(1);
    expect(session.audio.bytesReceived).toBe(1600);
    expect(session.audio.msReceived).toBeCloseTo(33.33, 1);
  });
});
