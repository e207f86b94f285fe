import { afterEach, describe, expect, it } from 'vitest';
import type { TransportEvent } from '../../runtime/ports.ts';
import { eventually } from '../../testing/fake-call-connector.ts';
import { startSocketIoHarness, type SocketIoHarness } from '../../testing/socket-io-test-kit.ts';

let harness: SocketIoHarness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const hangups = (events: TransportEvent[]) => events.filter((e) => e.type === 'hangup');

describe('Socket.IO end of call and playback reports', () => {
  it('turns end-call into one hangup with reason caller_ended', async () => {
    harness = await startSocketIoHarness();
    const client = await harness.connect();
    client.socket.emit('start-call', { callId: 'call-1' });
    await client.received.next('call-started');
    const { events, transport } = await harness.connector.call();
    client.socket.emit('end-call', { callId: 'call-1' });
    client.socket.emit('end-call', { callId: 'call-1' });
    client.socket.emit('audio-data', Buffer.alloc(320));
    await eventually(() => hangups(events).length === 1);
    expect(hangups(events)[0]).toMatchObject({ reason: 'caller_ended' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(hangups(events)).toHaveLength(1);
    expect(events.some((e) => e.type === 'caller_audio')).toBe(false);
    expect(client.received.all('error')).toHaveLength(0);
    await transport.close('caller_ended');
    expect(await client.received.next('call-ended')).toMatchObject({ callId: 'call-1', reason: 'caller_ended' });
  });

  it('refuses an end-call that names another call', async () => {
    harness = await startSocketIoHarness();
    const client = await harness.connect();
    client.socket.emit('start-call', { callId: 'call-1' });
    await client.received.next('call-started');
    client.socket.emit('end-call', { callId: 'call-9' });
    expect(await client.received.next('error')).toEqual({
      code: 'call_not_active',
      message: 'end-call names call call-9, but the call on this connection is call-1',
      recoverable: true,
    });
    expect(hangups(harness.connector.calls[0]?.events ?? [])).toHaveLength(0);
  });

  it('turns a disconnect into a hangup with reason caller_disconnected', async () => {
    harness = await startSocketIoHarness();
    const client = await harness.connect();
    client.socket.emit('start-call', { callId: 'call-1' });
    await client.received.next('call-started');
    const { events } = await harness.connector.call();
    client.socket.disconnect();
    await eventually(() => hangups(events).length === 1);
    expect(hangups(events)[0]).toMatchObject({ reason: 'caller_disconnected' });
  });

  it('closes the call itself when the runtime does not within the hang-up grace', async () => {
    harness = await startSocketIoHarness({ limits: { hangupGraceMs: 50 } });
    const client = await harness.connect();
    client.socket.emit('start-call', { callId: 'call-1' });
    await client.received.next('call-started');
    client.socket.emit('end-call');
    expect(await client.received.next('call-ended')).toMatchObject({ callId: 'call-1', reason: 'caller_ended' });
    client.socket.emit('start-call', { callId: 'call-2' });
    expect(await client.received.next('call-started')).toMatchObject({ callId: 'call-2' });
  });

  it('turns playback-position into playback events with the generation the audio was sent under', async () => {
    harness = await startSocketIoHarness();
    const client = await harness.connect();
    client.socket.emit('start-call', { callId: 'call-1', playbackReports: true });
    await client.received.next('call-started');
    const { events, transport } = await harness.connector.call();
    const chunk = { format: transport.outputFormat, data: new Uint8Array(960) };
    transport.sendAudio('a1', chunk);
    await client.received.next('ai-audio-delta');
    client.socket.emit('playback-position', { itemId: 'a1', playedMs: 19.6 });
    transport.clear();
    transport.sendAudio('a2', chunk);
    await client.received.next('ai-audio-delta');
    client.socket.emit('playback-position', { itemId: 'a1', playedMs: 40 });
    client.socket.emit('playback-position', { itemId: 'a2', playedMs: 20, generation: 1 });
    await eventually(() => events.filter((e) => e.type === 'playback').length === 3);
    expect(events.filter((e) => e.type === 'playback').map(({ itemId, playedMs, generation }) => ({ itemId, playedMs, generation }))).toEqual([
      { itemId: 'a1', playedMs: 20, generation: 0 },
      { itemId: 'a1', playedMs: 40, generation: 0 },
      { itemId: 'a2', playedMs: 20, generation: 1 },
    ]);
  });

  it('rejects playback reports for unknown items or future generations', async () => {
    harness = await startSocketIoHarness();
    const client = await harness.connect();
    client.socket.emit('start-call', { callId: 'call-1', playbackReports: true });
    await client.received.next('call-started');
    client.socket.emit('playback-position', { itemId: 'never-sent', playedMs: 10 });
    expect(await client.received.next('error')).toEqual({
      code: 'validation_failed',
      message: 'playback report names item never-sent, for which this call sent no audio',
      recoverable: true,
    });
    client.socket.emit('playback-position', { itemId: 'x', playedMs: 10, generation: 3 });
    expect(await client.received.next('error')).toMatchObject({ code: 'validation_failed' });
    const { events } = await harness.connector.call();
    expect(events.filter((e) => e.type === 'playback')).toHaveLength(0);
  });

  it('hangs up every call with server_shutdown when the attachment closes', async () => {
    harness = await startSocketIoHarness();
    const client = await harness.connect();
    client.socket.emit('start-call', { callId: 'call-1' });
    await client.received.next('call-started');
    const { events } = await harness.connector.call();
    await harness.attachment.close();
    expect(hangups(events)).toEqual([expect.objectContaining({ reason: 'server_shutdown' })]);
  });
});
