import { afterEach, describe, expect, it } from 'vitest';
import type { TransportEvent } from '../../runtime/ports.ts';
import { eventually } from '../../testing/fake-call-connector.ts';
import { startWebSocketHarness, type TestClient, type WebSocketHarness } from '../../testing/websocket-test-kit.ts';

let harness: WebSocketHarness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function startedCall(h: WebSocketHarness, callId: string): Promise<{ client: TestClient; events: TransportEvent[] }> {
  const client = await h.connect();
  client.sendJson({ type: 'start', callId });
  await client.received.next('started');
  const call = h.connector.calls.find((c) => c.params.callId === callId);
  if (call === undefined) throw new Error('call not recorded');
  return { client, events: call.events };
}

const audioCount = (events: TransportEvent[]) => events.filter((e) => e.type === 'caller_audio').length;

describe('WebSocket garbage from a client', () => {
  it('answers each kind of garbage with a clear error; the connection and another call keep working', async () => {
    harness = await startWebSocketHarness();
    const noisy = await startedCall(harness, 'call-noisy');
    const quiet = await startedCall(harness, 'call-quiet');
    const { client } = noisy;

    client.ws.send('{not json');
    expect(await client.received.next('error')).toMatchObject({ code: 'invalid_json', recoverable: true });
    client.sendJson({ type: 'dance' });
    expect(await client.received.next('error')).toEqual({
      type: 'error',
      code: 'validation_failed',
      message: 'Unknown message type "dance"; expected "start", "playback" or "end" (audio goes in binary frames)',
      recoverable: true,
    });
    client.sendJson([1, 2, 3]);
    expect(await client.received.next('error')).toMatchObject({ code: 'validation_failed', message: 'A text frame must be a JSON object with a "type" ("start", "playback" or "end"), not an array' });
    client.ws.send('42');
    expect(await client.received.next('error')).toMatchObject({ code: 'validation_failed', message: expect.stringContaining('not a number') as unknown });
    client.sendJson({ kind: 'start' });
    expect(await client.received.next('error')).toMatchObject({ code: 'validation_failed', message: expect.stringContaining('(none)') as unknown });
    client.sendJson({ type: 'playback', itemId: ['x'], playedMs: 'lots' });
    const wrongTypes = (await client.received.next('error')) as { code: string; message: string };
    expect(wrongTypes.code).toBe('validation_failed');
    expect(wrongTypes.message).toContain('itemId');
    expect(wrongTypes.message).toContain('playedMs');
    client.ws.send(Buffer.from([1, 2, 3]));
    expect(await client.received.next('error')).toMatchObject({ code: 'invalid_audio' });
    client.ws.send(Buffer.alloc(64 * 1024 + 2));
    expect(await client.received.next('error')).toMatchObject({ code: 'payload_too_large' });
    client.ws.send(JSON.stringify({ type: 'end', pad: 'x'.repeat(20_000) }));
    expect(await client.received.next('error')).toMatchObject({ code: 'payload_too_large' });
    client.sendJson({ type: 'start', callId: 'call-other' });
    expect(await client.received.next('error')).toMatchObject({ code: 'call_in_progress' });

    client.ws.send(Buffer.alloc(320));
    quiet.client.ws.send(Buffer.alloc(320));
    await eventually(() => audioCount(noisy.events) === 1 && audioCount(quiet.events) === 1);
    expect(quiet.client.received.all('error')).toHaveLength(0);
    expect(noisy.events.every((e) => e.type === 'caller_audio')).toBe(true);
  });

  it('refuses an odd sample rate and audio before start', async () => {
    harness = await startWebSocketHarness();
    const client = await harness.connect();
    client.ws.send(Buffer.alloc(320));
    // In this protocol's words, not Socket.IO's.
    expect(await client.received.next('error')).toMatchObject({ code: 'call_not_active', message: 'No call is running on this connection; send {"type":"start"} first' });
    client.sendJson({ type: 'start', callId: 'call-1', inputSampleRate: 44100, outputSampleRate: 22050 });
    const error = (await client.received.next('error')) as { code: string; message: string };
    expect(error.code).toBe('validation_failed');
    expect(error.message).toContain('inputSampleRate: must be one of 8000, 16000, 24000, 48000 Hz, got 44100');
    expect(error.message).toContain('outputSampleRate: must be one of 8000, 16000, 24000, 48000 Hz, got 22050');
    expect(harness.connector.calls).toHaveLength(0);
    client.sendJson({ type: 'start', callId: 'call-1', inputSampleRate: 48000 });
    expect(await client.received.next('started')).toMatchObject({ inputSampleRate: 48000, outputSampleRate: 24000 });
  });

  it('closes only the offending connection (1009) when a frame exceeds maxMessageBytes', async () => {
    harness = await startWebSocketHarness({ limits: { maxMessageBytes: 100_000 } });
    const abuser = await startedCall(harness, 'call-abuser');
    const quiet = await startedCall(harness, 'call-quiet');
    abuser.client.ws.send(Buffer.alloc(200_000));
    expect(await abuser.client.closed).toBe(1009);
    await eventually(() => abuser.events.some((e) => e.type === 'hangup'));
    quiet.client.ws.send(Buffer.alloc(320));
    await eventually(() => audioCount(quiet.events) === 1);
  });

  it('terminates a peer that stops answering pings', async () => {
    harness = await startWebSocketHarness({ pingIntervalMs: 300 });
    const dead = await harness.connect(undefined, { autoPong: false });
    const alive = await harness.connect();
    dead.sendJson({ type: 'start', callId: 'call-dead' });
    const { events } = await harness.connector.call();
    expect(await dead.closed).toBe(1006);
    await eventually(() => events.some((e) => e.type === 'hangup'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(alive.ws.readyState).toBe(alive.ws.OPEN);
  });
});
