import { afterEach, describe, expect, it } from 'vitest';
import type { CallTransport } from '../../runtime/ports.ts';
import { startSocketIoHarness, type SocketIoHarness, type TestClient } from '../../testing/socket-io-test-kit.ts';

let harness: SocketIoHarness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function startedCall(start: Record<string, unknown> = {}): Promise<{ client: TestClient; transport: CallTransport }> {
  harness = await startSocketIoHarness();
  const client = await harness.connect();
  client.socket.emit('start-call', { callId: 'call-1', outputSampleRate: 16000, ...start });
  await client.received.next('call-started');
  const { transport } = await harness.connector.call();
  return { client, transport };
}

const pcm16k = (bytes: number[]) => ({ format: { encoding: 'pcm16' as const, sampleRateHz: 16000 }, data: new Uint8Array(bytes) });

describe('Socket.IO server events', () => {
  it('maps every caller notice to its event', async () => {
    const { client, transport } = await startedCall();
    transport.notify({ type: 'user_transcript', itemId: 'u1', text: 'I go store', final: false });
    transport.notify({ type: 'user_transcript', itemId: 'u1', text: 'I go to the store', final: true });
    transport.notify({ type: 'assistant_text_delta', itemId: 'a1', delta: 'You went' });
    transport.notify({ type: 'assistant_text_done', itemId: 'a1', text: 'You went to the store.', interrupted: false });
    transport.notify({ type: 'error', code: 'provider_unavailable', message: 'Reconnecting to the engine', recoverable: true });
    transport.notify({
      type: 'call_ended',
      callId: 'call-1',
      status: 'ended',
      reason: 'caller_ended',
      transcript: [
        { role: 'user', text: 'I go to the store', interrupted: false },
        { role: 'assistant', text: 'You went', interrupted: true },
      ],
    });
    expect(await client.received.next('user-transcript')).toEqual({ itemId: 'u1', text: 'I go store', final: false });
    expect(await client.received.next('user-transcript')).toEqual({ itemId: 'u1', text: 'I go to the store', final: true });
    expect(await client.received.next('ai-text-delta')).toEqual({ itemId: 'a1', delta: 'You went' });
    expect(await client.received.next('ai-text-done')).toEqual({ itemId: 'a1', text: 'You went to the store.', interrupted: false });
    expect(await client.received.next('error')).toEqual({ code: 'provider_unavailable', message: 'Reconnecting to the engine', recoverable: true });
    expect(await client.received.next('call-ended')).toEqual({
      callId: 'call-1',
      status: 'ended',
      reason: 'caller_ended',
      transcription: [
        { role: 'user', text: 'I go to the store', interrupted: false },
        { role: 'assistant', text: 'You went', interrupted: true },
      ],
    });
  });

  it('sends assistant audio as base64 ai-audio-delta by default', async () => {
    const { client, transport } = await startedCall();
    transport.sendAudio('a1', pcm16k([1, 0, 2, 0]));
    expect(await client.received.next('ai-audio-delta')).toEqual({
      itemId: 'a1',
      audio: Buffer.from([1, 0, 2, 0]).toString('base64'),
      sampleRate: 16000,
      generation: 0,
    });
  });

  it('sends binary ai-audio-delta when the client asked for it', async () => {
    const { client, transport } = await startedCall({ audioPayload: 'binary' });
    transport.sendAudio('a1', pcm16k([5, 0, 6, 0]));
    const delta = (await client.received.next('ai-audio-delta')) as { audio: unknown };
    expect(Buffer.from(delta.audio as Uint8Array)).toEqual(Buffer.from([5, 0, 6, 0]));
  });

  it('clears on barge-in: ai-interrupted with the new generation, stale audio dropped, new items carry the new generation', async () => {
    const { client, transport } = await startedCall();
    transport.sendAudio('a1', pcm16k([1, 0]));
    await client.received.next('ai-audio-delta');
    transport.clear();
    transport.notify({ type: 'interrupted', itemId: 'a1', heardMs: 120 });
    transport.sendAudio('a1', pcm16k([2, 0]));
    transport.sendAudio('a2', pcm16k([3, 0]));
    expect(await client.received.next('ai-interrupted')).toEqual({ itemId: 'a1', heardMs: 120, generation: 1 });
    expect(await client.received.next('ai-audio-delta')).toMatchObject({ itemId: 'a2', generation: 1 });
    expect(client.received.all('ai-audio-delta')).toHaveLength(2);
    expect(transport.generation).toBe(1);
  });

  it('drops audio in the wrong format rather than sending noise', async () => {
    const { client, transport } = await startedCall();
    transport.sendAudio('a1', { format: { encoding: 'pcm16', sampleRateHz: 24000 }, data: new Uint8Array([1, 0]) });
    transport.sendAudio('a1', pcm16k([9, 0]));
    expect(await client.received.next('ai-audio-delta')).toMatchObject({ audio: Buffer.from([9, 0]).toString('base64') });
    expect(client.received.all('ai-audio-delta')).toHaveLength(1);
  });

  it('tells the caller the call ended when the runtime closes without a call_ended notice, then accepts a new call', async () => {
    const { client, transport } = await startedCall();
    await transport.close('engine_failed');
    await transport.close('twice');
    expect(await client.received.next('call-ended')).toEqual({ callId: 'call-1', status: 'ended', reason: 'engine_failed', transcription: [] });
    transport.sendAudio('a1', pcm16k([1, 0]));
    transport.notify({ type: 'assistant_text_delta', itemId: 'a1', delta: 'late' });
    client.socket.emit('start-call', { callId: 'call-2' });
    expect(await client.received.next('call-started')).toMatchObject({ callId: 'call-2' });
    expect(client.received.all('call-ended')).toHaveLength(1);
    expect(client.received.all('ai-text-delta')).toHaveLength(0);
    expect(client.received.all('ai-audio-delta')).toHaveLength(0);
  });
});
