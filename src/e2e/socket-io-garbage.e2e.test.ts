import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { WebSocket } from 'ws';
import { describe, expect, it } from 'vitest';
import { expectAbuserEndedAndServerUp, expectBothCallsHeard, healthyTranscript, reply, replyAudioMs, useGarbageServer, type WireError } from './garbage-kit.ts';
import { createCall, fixtureWords, recordEvents, speech, startSocketIoCall, stream, tokenFor, waitFor } from './socket-io-kit.ts';

const server = useGarbageServer();

/** Emits one bad message and returns the `error` it earns. */
async function errorFor(socket: Socket, event: string, payload?: unknown): Promise<WireError> {
  const error = waitFor<WireError>(socket, 'error');
  if (payload === undefined) socket.emit(event);
  else socket.emit(event, payload);
  return error;
}

async function connected(baseUrl: string): Promise<Socket> {
  const socket = io(baseUrl, { transports: ['websocket'], auth: { token: await tokenFor(baseUrl) } });
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  return socket;
}

/** Garbage before any call runs: each message gets a recoverable error naming the problem. */
async function garbageBeforeStart(socket: Socket): Promise<void> {
  expect(await errorFor(socket, 'audio-data', Buffer.alloc(960))).toMatchObject({ code: 'call_not_active', recoverable: true });
  // Socket.IO parses JSON itself; a client that sends JSON *text* as the payload sent a string.
  const badJson = await errorFor(socket, 'start-call', '{"callId": "abc", ');
  expect(badJson).toMatchObject({ code: 'validation_failed', recoverable: true });
  expect(badJson.message).toContain('expected object, received string');
  const wrongTypes = await errorFor(socket, 'start-call', { callId: 42, playbackReports: 'yes' });
  expect(wrongTypes.code).toBe('validation_failed');
  expect(wrongTypes.message).toContain('callId');
  expect(wrongTypes.message).toContain('playbackReports');
  for (const rate of [11_025, 0, 'abc']) {
    const odd = await errorFor(socket, 'start-call', { callId: randomUUID(), inputSampleRate: rate });
    expect(odd, `inputSampleRate ${String(rate)}`).toMatchObject({ code: 'validation_failed', recoverable: true });
    expect(odd.message).toContain('inputSampleRate');
  }
  expect((await errorFor(socket, 'start-call', { callId: randomUUID(), outputSampleRate: 11_025 })).message).toContain(
    'outputSampleRate: must be one of 8000, 16000, 24000, 48000 Hz, got 11025',
  );
  expect(await errorFor(socket, 'start-call', { callId: randomUUID() })).toMatchObject({ code: 'call_not_found', recoverable: false });
  expect(await errorFor(socket, 'end-call')).toMatchObject({ code: 'call_not_active' });
  // Unknown events are ignored (documented): the next error answers the next bad message, not 'dance'.
  socket.emit('dance', { callId: 'x' });
  expect(await errorFor(socket, 'playback-position', { itemId: 'x', playedMs: 1 })).toMatchObject({ code: 'call_not_active' });
}

/** Garbage during a call: every message is refused on its own and the call carries on. */
async function garbageDuringCall(socket: Socket, callId: string): Promise<void> {
  expect(await errorFor(socket, 'audio-data', Buffer.from([1, 2, 3]))).toMatchObject({ code: 'invalid_audio', recoverable: true });
  expect(await errorFor(socket, 'audio-data', Buffer.alloc(0))).toMatchObject({ code: 'invalid_audio' });
  expect(await errorFor(socket, 'audio-data', { audio: 'not base64 at all!' })).toMatchObject({ code: 'invalid_audio' });
  expect(await errorFor(socket, 'audio-data', 42)).toMatchObject({ code: 'invalid_audio' });
  expect(await errorFor(socket, 'audio-data', Buffer.alloc(64 * 1024 + 2))).toMatchObject({ code: 'payload_too_large', recoverable: true });
  expect(await errorFor(socket, 'audio-data', { audio: Buffer.alloc(100_000).toString('base64') })).toMatchObject({ code: 'payload_too_large' });
  const playback = await errorFor(socket, 'playback-position', { itemId: ['x'], playedMs: 'lots' });
  expect(playback.code).toBe('validation_failed');
  expect(playback.message).toContain('itemId');
  expect(playback.message).toContain('playedMs');
  expect(await errorFor(socket, 'playback-position', { itemId: 'item_never_sent', playedMs: 10 })).toMatchObject({ code: 'validation_failed' });
  expect(await errorFor(socket, 'start-call', { callId })).toMatchObject({ code: 'call_in_progress', recoverable: true });
  expect(await errorFor(socket, 'end-call', { callId: randomUUID() })).toMatchObject({ code: 'call_not_active', recoverable: true });
  expect(await errorFor(socket, 'end-call', { callId: 7 })).toMatchObject({ code: 'validation_failed' });
}

/**
 * A raw Socket.IO connection (Engine.IO v4 over WebSocket) that joins the namespace and then sends an
 * event packet whose JSON does not parse. Resolves with what was sent before the server closed it.
 */
async function sendUnparsablePacket(baseUrl: string): Promise<{ readonly sentGarbage: boolean; readonly code: number }> {
  const ws = new WebSocket(`${baseUrl.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`);
  const connect = `40${JSON.stringify({ token: await tokenFor(baseUrl) })}`;
  let sentGarbage = false;
  ws.on('message', (data: Buffer) => {
    const packet = data.toString('utf8');
    if (packet.startsWith('0{')) ws.send(connect);
    else if (packet.startsWith('40')) {
      ws.send('42["start-call",{"callId":');
      sentGarbage = true;
    }
  });
  const code = await new Promise<number>((resolve) => ws.once('close', resolve));
  return { sentGarbage, code };
}

describe('garbage from Socket.IO clients, end to end', () => {
  it('answers each kind with a clear error code while a concurrent call flows both ways and ends normally', async () => {
    const { baseUrl, fake } = server.value;
    const healthy = await startSocketIoCall(baseUrl, 'healthy-caller', { playbackReports: true });
    const healthyEvents = recordEvents(healthy.socket, ['error', 'ai-audio-delta']);
    const garbage = await connected(baseUrl);
    const garbageEvents = recordEvents(garbage, ['error']);
    const abuser = await startSocketIoCall(baseUrl, 'abuser');
    try {
      const firstAudio = waitFor<{ itemId: string }>(healthy.socket, 'ai-audio-delta', () => true, 20_000);
      const done = waitFor<{ itemId: string; text: string }>(healthy.socket, 'ai-text-done', () => true, 20_000);
      const heard = waitFor<{ text: string; final: boolean }>(healthy.socket, 'user-transcript', (p) => p.final, 20_000);
      // Caller audio of the healthy call and the first wave of garbage at the same time.
      await Promise.all([
        (async () => {
          await stream(healthy.socket, speech.samples, 4);
          await stream(healthy.socket, new Int16Array(24_000), 4);
        })(),
        garbageBeforeStart(garbage),
      ]);
      expect((await heard).text).toBe(fixtureWords);

      // Assistant audio of the healthy call and the second wave at the same time.
      const { itemId } = await firstAudio;
      const garbageCallId = await createCall(baseUrl, 'garbage-caller');
      const started = waitFor<{ callId: string }>(garbage, 'call-started');
      garbage.emit('start-call', { callId: garbageCallId });
      expect((await started).callId).toBe(garbageCallId);
      await garbageDuringCall(garbage, garbageCallId);
      // A message over the 256 KiB Socket.IO limit is abuse: only that socket is dropped, and its call hangs up.
      const dropped = new Promise<string>((resolve) => abuser.socket.once('disconnect', resolve));
      abuser.socket.emit('audio-data', Buffer.alloc(300_000));
      expect(await dropped).toBe('transport close');
      // Socket.IO's own parser refuses a packet whose JSON is broken by closing that connection (no
      // application event can answer it); nothing else is affected.
      expect(await sendUnparsablePacket(baseUrl)).toMatchObject({ sentGarbage: true });
      // The garbage call itself still carries audio.
      await stream(garbage, new Int16Array(2_400), 4);

      const text = await done;
      expect(text).toEqual({ itemId, text: reply, interrupted: false });
      const healthyAudio = healthyEvents.of<{ itemId: string; audio: string }>('ai-audio-delta').filter((p) => p.itemId === itemId);
      const receivedMs = healthyAudio.reduce((sum, p) => sum + Buffer.from(p.audio, 'base64').byteLength, 0) / 48;
      expect(receivedMs).toBeGreaterThanOrEqual(replyAudioMs - 1);
      healthy.socket.emit('playback-position', { itemId, playedMs: receivedMs, generation: 0 });
      const ended = waitFor<{ status: string; reason: string; transcription: { text: string; interrupted: boolean }[] }>(healthy.socket, 'call-ended');
      healthy.socket.emit('end-call');
      const end = await ended;
      expect(end).toMatchObject({ status: 'ended', reason: 'caller_ended' });
      expect(end.transcription).toEqual(healthyTranscript);
      expect(healthyEvents.of('error')).toEqual([]);
      await expectBothCallsHeard(fake);
      expect(garbageEvents.of<WireError>('error').every((e) => e.code !== 'internal_error')).toBe(true);
      const garbageEnded = waitFor<{ status: string }>(garbage, 'call-ended');
      garbage.emit('end-call');
      expect(await garbageEnded).toMatchObject({ status: 'ended' });
      await expectAbuserEndedAndServerUp(baseUrl, abuser.callId);
    } finally {
      healthy.socket.disconnect();
      garbage.disconnect();
      abuser.socket.disconnect();
    }
  }, 60_000);
});
