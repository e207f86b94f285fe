import { afterEach, describe, expect, it } from 'vitest';
import type { CallTransport, TransportEvent } from '../../runtime/ports.ts';
import { eventually } from '../../testing/fake-call-connector.ts';
import { startWebSocketHarness, type TestClient, type WebSocketHarness } from '../../testing/websocket-test-kit.ts';

let harness: WebSocketHarness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function startedCall(start: Record<string, unknown> = {}): Promise<{ client: TestClient; transport: CallTransport; events: TransportEvent[] }> {
  harness = await startWebSocketHarness();
  const client = await harness.connect();
  client.sendJson({ type: 'start', callId: 'call-1', inputSampleRate: 8000, outputSampleRate: 16000, ...start });
  await client.received.next('started');
  const { transport, events } = await harness.connector.call();
  return { client, transport, events };
}

const pcm16k = (bytes: number[]) => ({ format: { encoding: 'pcm16' as const, sampleRateHz: 16000 }, data: new Uint8Array(bytes) });

describe('WebSocket call flow', () => {
  it('starts with the declared formats and answers started', async () => {
    const { client, transport } = await startedCall({ playbackReports: true });
    expect(client.received.all('started')).toEqual([{ type: 'started', callId: 'call-1', inputSampleRate: 8000, outputSampleRate: 16000 }]);
    expect(transport.inputFormat).toEqual({ encoding: 'pcm16', sampleRateHz: 8000 });
    expect(transport.outputFormat).toEqual({ encoding: 'pcm16', sampleRateHz: 16000 });
    expect(transport.capabilities.playbackReports).toBe(true);
  });

  it('turns binary frames into caller_audio at the input rate', async () => {
    const { client, events } = await startedCall();
    client.ws.send(Buffer.from([1, 0, 2, 0]));
    await eventually(() => events.some((e) => e.type === 'caller_audio'));
    const audio = events.find((e) => e.type === 'caller_audio');
    expect(audio).toMatchObject({ chunk: { format: { encoding: 'pcm16', sampleRateHz: 8000 } } });
    if (audio?.type === 'caller_audio') expect(Buffer.from(audio.chunk.data)).toEqual(Buffer.from([1, 0, 2, 0]));
  });

  it('announces each item and generation once, then sends assistant audio as binary frames', async () => {
    const { client, transport } = await startedCall();
    transport.sendAudio('a1', pcm16k([1, 0]));
    transport.sendAudio('a1', pcm16k([2, 0]));
    transport.clear();
    transport.notify({ type: 'interrupted', itemId: 'a1', heardMs: 80 });
    transport.sendAudio('a1', pcm16k([3, 0]));
    transport.sendAudio('a2', pcm16k([4, 0]));
    expect(await client.received.next('binary')).toBeDefined();
    await eventually(() => client.received.all('binary').length === 3);
    expect(client.received.items.filter((m) => m.name !== 'started').map((m) => (m.name === 'binary' ? [...(m.payload as Buffer)] : m.payload))).toEqual([
      { type: 'audio', itemId: 'a1', generation: 0, sampleRate: 16000 },
      [1, 0],
      [2, 0],
      { type: 'interrupted', itemId: 'a1', heardMs: 80, generation: 1 },
      { type: 'audio', itemId: 'a2', generation: 1, sampleRate: 16000 },
      [4, 0],
    ]);
  });

  it('maps every caller notice to its message', async () => {
    const { client, transport } = await startedCall();
    transport.notify({ type: 'user_transcript', itemId: 'u1', text: 'hello', final: true });
    transport.notify({ type: 'assistant_text_delta', itemId: 'a1', delta: 'Hi' });
    transport.notify({ type: 'assistant_text_done', itemId: 'a1', text: 'Hi there', interrupted: true });
    transport.notify({ type: 'error', code: 'provider_error', message: 'Engine hiccup', recoverable: true });
    transport.notify({ type: 'call_ended', callId: 'call-1', status: 'failed', reason: 'engine_failed', transcript: [{ role: 'user', text: 'hello', interrupted: false }] });
    expect(await client.received.next('user_transcript')).toEqual({ type: 'user_transcript', itemId: 'u1', text: 'hello', final: true });
    expect(await client.received.next('assistant_text_delta')).toEqual({ type: 'assistant_text_delta', itemId: 'a1', delta: 'Hi' });
    expect(await client.received.next('assistant_text_done')).toEqual({ type: 'assistant_text_done', itemId: 'a1', text: 'Hi there', interrupted: true });
    expect(await client.received.next('error')).toEqual({ type: 'error', code: 'provider_error', message: 'Engine hiccup', recoverable: true });
    expect(await client.received.next('ended')).toEqual({
      type: 'ended',
      callId: 'call-1',
      status: 'failed',
      reason: 'engine_failed',
      transcript: [{ role: 'user', text: 'hello', interrupted: false }],
    });
  });

  it('turns playback messages into playback events', async () => {
    const { client, transport, events } = await startedCall({ playbackReports: true });
    transport.sendAudio('a1', pcm16k([1, 0]));
    await client.received.next('binary');
    client.sendJson({ type: 'playback', itemId: 'a1', playedMs: 250 });
    await eventually(() => events.some((e) => e.type === 'playback'));
    expect(events.find((e) => e.type === 'playback')).toMatchObject({ itemId: 'a1', playedMs: 250, generation: 0 });
  });

  it('turns end into a hangup and closes the connection with 1000 once the call is closed', async () => {
    const { client, transport, events } = await startedCall();
    client.sendJson({ type: 'end' });
    await eventually(() => events.some((e) => e.type === 'hangup'));
    expect(events.find((e) => e.type === 'hangup')).toMatchObject({ reason: 'caller_ended' });
    transport.notify({ type: 'call_ended', callId: 'call-1', status: 'ended', reason: 'caller_ended', transcript: [] });
    await transport.close('caller_ended');
    expect(await client.closed).toBe(1000);
    expect(client.received.all('ended')).toHaveLength(1);
  });

  it('keeps the connection open after a refused start so the client can try again', async () => {
    harness = await startWebSocketHarness();
    harness.connector.respond = () => Promise.resolve({ ok: false, code: 'forbidden', message: 'Not your call' });
    const client = await harness.connect();
    client.sendJson({ type: 'start', callId: 'someone-elses' });
    expect(await client.received.next('error')).toEqual({ type: 'error', code: 'forbidden', message: 'Not your call', recoverable: false });
    harness.connector.respond = () => Promise.resolve({ ok: true });
    client.sendJson({ type: 'start', callId: 'mine' });
    expect(await client.received.next('started')).toMatchObject({ callId: 'mine' });
    expect(client.received.all('ended')).toHaveLength(0);
  });

  it('turns a dropped connection into a hangup with reason caller_disconnected', async () => {
    const { client, events } = await startedCall();
    client.ws.terminate();
    await eventually(() => events.some((e) => e.type === 'hangup'));
    expect(events.find((e) => e.type === 'hangup')).toMatchObject({ reason: 'caller_disconnected' });
  });

  it('hangs up every call with server_shutdown and closes with 1001 when the attachment closes', async () => {
    const { client, events } = await startedCall();
    await harness?.attachment.close();
    expect(events.filter((e) => e.type === 'hangup')).toEqual([expect.objectContaining({ reason: 'server_shutdown' })]);
    expect(await client.closed).toBe(1001);
  });
});
