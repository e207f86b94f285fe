import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { expectAbuserEndedAndServerUp, expectBothCallsHeard, healthyTranscript, reply, replyAudioMs, useGarbageServer, type WireError } from './garbage-kit.ts';
import { createCall, fixtureWords, speech } from './socket-io-kit.ts';
import { connectWebSocket, streamBinary, type ServerMessage, type WebSocketClient } from './websocket-kit.ts';

type ErrorMessage = ServerMessage & WireError;

const server = useGarbageServer();

/** Sends one bad frame (JSON is serialised; strings and buffers go as they are) and returns the `error` it earns. */
async function errorFor(client: WebSocketClient, frame: unknown): Promise<ErrorMessage> {
  const error = client.next<ErrorMessage>('error');
  if (typeof frame === 'string' || Buffer.isBuffer(frame)) client.ws.send(frame);
  else client.sendJson(frame);
  return error;
}

/** Opens a connection and starts `callId` on it. */
async function startedCall(baseUrl: string, callId: string, options: Record<string, unknown> = {}): Promise<WebSocketClient> {
  const client = await connectWebSocket(baseUrl);
  const started = client.next('started');
  client.sendJson({ type: 'start', callId, ...options });
  expect(await started).toMatchObject({ callId });
  return client;
}

/** Garbage before any call runs: each frame gets a recoverable error naming the problem. */
async function garbageBeforeStart(client: WebSocketClient): Promise<void> {
  expect(await errorFor(client, Buffer.alloc(960))).toMatchObject({ code: 'call_not_active', recoverable: true });
  expect(await errorFor(client, '{"type": "start", ')).toMatchObject({ code: 'invalid_json', recoverable: true });
  expect((await errorFor(client, { type: 'dance' })).message).toContain('Unknown message type "dance"');
  expect(await errorFor(client, [1, 2, 3])).toMatchObject({ code: 'validation_failed' });
  const wrongTypes = await errorFor(client, { type: 'start', callId: 42, playbackReports: 'yes' });
  expect(wrongTypes.code).toBe('validation_failed');
  expect(wrongTypes.message).toContain('callId');
  expect(wrongTypes.message).toContain('playbackReports');
  for (const rate of [11_025, 0, 'abc']) {
    const odd = await errorFor(client, { type: 'start', callId: randomUUID(), inputSampleRate: rate });
    expect(odd, `inputSampleRate ${String(rate)}`).toMatchObject({ code: 'validation_failed', recoverable: true });
    expect(odd.message).toContain('inputSampleRate');
  }
  expect(await errorFor(client, { type: 'start', callId: randomUUID() })).toMatchObject({ code: 'call_not_found', recoverable: false });
  expect(await errorFor(client, { type: 'end' })).toMatchObject({ code: 'call_not_active' });
  expect(await errorFor(client, { type: 'playback', itemId: 'x', playedMs: 1 })).toMatchObject({ code: 'call_not_active' });
}

/** Garbage during a call: every frame is refused on its own and the call carries on. */
async function garbageDuringCall(client: WebSocketClient, callId: string): Promise<void> {
  expect(await errorFor(client, Buffer.from([1, 2, 3]))).toMatchObject({ code: 'invalid_audio', recoverable: true });
  expect(await errorFor(client, Buffer.alloc(0))).toMatchObject({ code: 'invalid_audio' });
  expect(await errorFor(client, Buffer.alloc(64 * 1024 + 2))).toMatchObject({ code: 'payload_too_large', recoverable: true });
  expect(await errorFor(client, JSON.stringify({ type: 'end', pad: 'x'.repeat(20_000) }))).toMatchObject({ code: 'payload_too_large' });
  const playback = await errorFor(client, { type: 'playback', itemId: ['x'], playedMs: 'lots' });
  expect(playback.code).toBe('validation_failed');
  expect(playback.message).toContain('itemId');
  expect(playback.message).toContain('playedMs');
  expect(await errorFor(client, { type: 'playback', itemId: 'item_never_sent', playedMs: 10 })).toMatchObject({ code: 'validation_failed' });
  expect(await errorFor(client, { type: 'start', callId })).toMatchObject({ code: 'call_in_progress', recoverable: true });
  expect(await errorFor(client, { type: 'end', callId: randomUUID() })).toMatchObject({ code: 'call_not_active', recoverable: true });
}

describe('garbage from plain WebSocket clients, end to end', () => {
  it('answers each kind with a clear error code while a concurrent call flows both ways and ends normally', async () => {
    const { baseUrl, fake } = server.value;
    const healthyCallId = await createCall(baseUrl, 'ws-healthy-caller');
    const healthy = await startedCall(baseUrl, healthyCallId, { playbackReports: true });
    const garbage = await connectWebSocket(baseUrl);
    const abuserCallId = await createCall(baseUrl, 'ws-abuser');
    const abuser = await startedCall(baseUrl, abuserCallId);
    try {
      const heard = healthy.next<ServerMessage & { text: string }>('user_transcript', (m) => m['final'] === true, 20_000);
      const firstAudio = healthy.next<ServerMessage & { itemId: string; sampleRate: number }>('audio', () => true, 20_000);
      const done = healthy.next<ServerMessage & { itemId: string }>('assistant_text_done', () => true, 20_000);
      // Caller audio of the healthy call and the first wave of garbage at the same time.
      await Promise.all([
        (async () => {
          await streamBinary(healthy, speech.samples, 4);
          await streamBinary(healthy, new Int16Array(24_000), 4);
        })(),
        garbageBeforeStart(garbage),
      ]);
      expect((await heard).text).toBe(fixtureWords);

      // Assistant audio of the healthy call and the second wave at the same time.
      const { itemId, sampleRate } = await firstAudio;
      expect(sampleRate).toBe(24_000);
      const garbageCallId = await createCall(baseUrl, 'ws-garbage-caller');
      const started = garbage.next('started');
      garbage.sendJson({ type: 'start', callId: garbageCallId });
      await started;
      await garbageDuringCall(garbage, garbageCallId);
      // A frame over the 256 KiB limit is abuse: only that connection is closed (1009), and its call hangs up.
      abuser.ws.send(Buffer.alloc(300_000));
      expect(await abuser.closed).toBe(1009);
      // The garbage call itself still carries audio.
      await streamBinary(garbage, new Int16Array(2_400), 4);

      expect(await done).toMatchObject({ itemId, text: reply, interrupted: false });
      const receivedMs = healthy.audio.filter((a) => a.itemId === itemId).reduce((sum, a) => sum + a.bytes, 0) / 48;
      expect(receivedMs).toBeGreaterThanOrEqual(replyAudioMs - 1);
      healthy.sendJson({ type: 'playback', itemId, playedMs: receivedMs, generation: 0 });
      const ended = healthy.next<ServerMessage & { status: string; transcript: unknown[] }>('ended');
      healthy.sendJson({ type: 'end' });
      const end = await ended;
      expect(end.status).toBe('ended');
      expect(end.transcript).toEqual(healthyTranscript);
      expect(await healthy.closed).toBe(1000);
      expect(healthy.all('error')).toEqual([]);
      await expectBothCallsHeard(fake);
      expect(garbage.all<ErrorMessage>('error').every((e) => e.code !== 'internal_error')).toBe(true);
      const garbageEnded = garbage.next('ended');
      garbage.sendJson({ type: 'end' });
      expect(await garbageEnded).toMatchObject({ status: 'ended' });
      await expectAbuserEndedAndServerUp(baseUrl, abuserCallId);
    } finally {
      for (const client of [healthy, garbage, abuser]) client.ws.terminate();
    }
  }, 60_000);
});
