import { afterEach, describe, expect, it } from 'vitest';
import type { TransportEvent } from '../../runtime/ports.ts';
import { eventually } from '../../testing/fake-call-connector.ts';
import { startSocketIoHarness, type SocketIoHarness, type TestClient } from '../../testing/socket-io-test-kit.ts';

let harness: SocketIoHarness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function startedCall(h: SocketIoHarness, callId: string, inputSampleRate = 16000): Promise<{ client: TestClient; events: TransportEvent[] }> {
  const client = await h.connect();
  client.socket.emit('start-call', { callId, inputSampleRate });
  await client.received.next('call-started');
  const call = h.connector.calls.find((c) => c.params.callId === callId);
  if (call === undefined) throw new Error('call not recorded');
  return { client, events: call.events };
}

function audioEvents(events: TransportEvent[]): Extract<TransportEvent, { type: 'caller_audio' }>[] {
  return events.filter((e): e is Extract<TransportEvent, { type: 'caller_audio' }> => e.type === 'caller_audio');
}

describe('Socket.IO caller audio', () => {
  it('turns binary, base64 and Aero’s legacy { audio, text } into caller_audio at the declared rate', async () => {
    harness = await startSocketIoHarness();
    const { client, events } = await startedCall(harness, 'call-1', 16000);
    const pcm = Buffer.from([1, 0, 2, 0, 3, 0, 4, 0]);
    client.socket.emit('audio-data', pcm);
    client.socket.emit('audio-data', { audio: pcm.toString('base64') });
    client.socket.emit('audio-data', { audio: pcm.toString('base64'), text: 'Hello, how are you today?' });
    client.socket.emit('audio-data', new Uint8Array(pcm).buffer);
    await eventually(() => audioEvents(events).length === 4);
    for (const event of audioEvents(events)) {
      expect(event.chunk.format).toEqual({ encoding: 'pcm16', sampleRateHz: 16000 });
      expect(Buffer.from(event.chunk.data)).toEqual(pcm);
      expect(Number.isInteger(event.atMs)).toBe(true);
    }
    expect(client.received.all('error')).toHaveLength(0);
  });

  it('answers garbage with clear errors while the connection and another concurrent call keep working', async () => {
    harness = await startSocketIoHarness();
    const noisy = await startedCall(harness, 'call-noisy');
    const quiet = await startedCall(harness, 'call-quiet');

    noisy.client.socket.emit('audio-data', Buffer.from([1, 2, 3]));
    expect(await noisy.client.received.next('error')).toEqual({
      code: 'invalid_audio',
      message: 'PCM16 audio must have an even byte length (2 bytes per sample), got 3',
      recoverable: true,
    });
    noisy.client.socket.emit('audio-data', Buffer.alloc(64 * 1024 + 2));
    expect(await noisy.client.received.next('error')).toMatchObject({ code: 'payload_too_large', recoverable: true });
    noisy.client.socket.emit('audio-data', { audio: 'not base64 at all!' });
    expect(await noisy.client.received.next('error')).toEqual({ code: 'invalid_audio', message: 'Audio is not valid base64', recoverable: true });
    noisy.client.socket.emit('audio-data', { audio: 'A'.repeat(200_000) });
    expect(await noisy.client.received.next('error')).toMatchObject({ code: 'payload_too_large' });
    noisy.client.socket.emit('audio-data', 12345);
    expect(await noisy.client.received.next('error')).toEqual({
      code: 'invalid_audio',
      message: 'audio-data must be binary PCM16 or { audio: <base64 PCM16> }',
      recoverable: true,
    });
    noisy.client.socket.emit('audio-data', Buffer.alloc(0));
    expect(await noisy.client.received.next('error')).toMatchObject({ code: 'invalid_audio', message: 'Audio frame is empty' });
    noisy.client.socket.emit('playback-position', { itemId: 7, playedMs: -1 });
    expect(await noisy.client.received.next('error')).toMatchObject({ code: 'validation_failed' });
    noisy.client.socket.emit('end-call', 'yes please');
    expect(await noisy.client.received.next('error')).toMatchObject({ code: 'validation_failed' });
    noisy.client.socket.emit('error', { boom: true });
    noisy.client.socket.emit('made-up-event', { x: 1 });

    noisy.client.socket.emit('audio-data', Buffer.alloc(320));
    quiet.client.socket.emit('audio-data', Buffer.alloc(640));
    await eventually(() => audioEvents(noisy.events).length === 1 && audioEvents(quiet.events).length === 1);
    expect(noisy.client.socket.connected).toBe(true);
    expect(quiet.client.socket.connected).toBe(true);
    expect(quiet.client.received.all('error')).toHaveLength(0);
    expect(noisy.events.every((e) => e.type === 'caller_audio')).toBe(true);
  });

  it('contains a runtime listener that throws to its own call', async () => {
    harness = await startSocketIoHarness();
    harness.connector.respond = ({ callId, transport }) => {
      if (callId === 'call-broken') {
        transport.events.on('caller_audio', () => {
          throw new Error('runtime bug');
        });
      }
      return Promise.resolve({ ok: true });
    };
    const broken = await startedCall(harness, 'call-broken');
    const healthy = await startedCall(harness, 'call-healthy');
    broken.client.socket.emit('audio-data', Buffer.alloc(320));
    healthy.client.socket.emit('audio-data', Buffer.alloc(320));
    await eventually(() => audioEvents(healthy.events).length === 1);
    broken.client.socket.emit('end-call');
    await eventually(() => broken.events.some((e) => e.type === 'hangup'));
    expect(broken.client.socket.connected).toBe(true);
  });

  it('refuses audio before start-call with call_not_active', async () => {
    harness = await startSocketIoHarness();
    const client = await harness.connect();
    client.socket.emit('audio-data', Buffer.alloc(320));
    expect(await client.received.next('error')).toEqual({
      code: 'call_not_active',
      message: 'No call is running on this connection; send start-call first',
      recoverable: true,
    });
    client.socket.emit('playback-position', { itemId: 'item-1', playedMs: 10 });
    expect(await client.received.next('error')).toMatchObject({ code: 'call_not_active' });
    client.socket.emit('end-call');
    expect(await client.received.next('error')).toMatchObject({ code: 'call_not_active' });
  });

  it('disconnects only the offending socket when a message exceeds maxMessageBytes', async () => {
    harness = await startSocketIoHarness({ limits: { maxMessageBytes: 100_000 } });
    const abuser = await startedCall(harness, 'call-abuser');
    const quiet = await startedCall(harness, 'call-quiet');
    abuser.client.socket.emit('audio-data', Buffer.alloc(200_000));
    await eventually(() => !abuser.client.socket.connected);
    await eventually(() => abuser.events.some((e) => e.type === 'hangup'));
    quiet.client.socket.emit('audio-data', Buffer.alloc(640));
    await eventually(() => audioEvents(quiet.events).length === 1);
  });

  it('drops messages over the rate limit with rate_limited and recovers', async () => {
    harness = await startSocketIoHarness({ limits: { maxMessagesPerSecond: 10 } });
    const { client, events } = await startedCall(harness, 'call-1');
    for (let i = 0; i < 40; i++) client.socket.emit('audio-data', Buffer.alloc(320));
    expect(await client.received.next('error')).toMatchObject({ code: 'rate_limited', recoverable: true });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const delivered = audioEvents(events).length;
    expect(delivered).toBeGreaterThan(0);
    expect(delivered).toBeLessThan(40);
    expect(client.socket.connected).toBe(true);
  });
});
