import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../../testing/fake-call-connector.ts';
import { startSocketIoHarness, type SocketIoHarness } from '../../testing/socket-io-test-kit.ts';

let harness: SocketIoHarness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function setup(): Promise<SocketIoHarness> {
  harness = await startSocketIoHarness();
  return harness;
}

describe('Socket.IO start-call', () => {
  it('starts the call with the declared formats and answers call-started', async () => {
    const h = await setup();
    const client = await h.connect();
    client.socket.emit('start-call', { callId: 'call-1', inputSampleRate: 16000, outputSampleRate: 48000, audioEncoding: 'pcm16', playbackReports: true });
    expect(await client.received.next('call-started')).toEqual({ callId: 'call-1', inputSampleRate: 16000, outputSampleRate: 48000 });
    const { params, transport } = await h.connector.call();
    expect(params.callId).toBe('call-1');
    expect(transport.inputFormat).toEqual({ encoding: 'pcm16', sampleRateHz: 16000 });
    expect(transport.outputFormat).toEqual({ encoding: 'pcm16', sampleRateHz: 48000 });
    expect(transport.capabilities).toEqual({ playbackReports: true });
    expect(transport.generation).toBe(0);
  });

  it('defaults to 24 kHz both ways, base64 audio and estimated playback (Aero’s { callId })', async () => {
    const h = await setup();
    const client = await h.connect();
    client.socket.emit('start-call', { callId: 'call-1', userId: 'extra fields are ignored' });
    expect(await client.received.next('call-started')).toEqual({ callId: 'call-1', inputSampleRate: 24000, outputSampleRate: 24000 });
    const { transport } = await h.connector.call();
    expect(transport.inputFormat.sampleRateHz).toBe(24000);
    expect(transport.capabilities.playbackReports).toBe(false);
  });

  it('sends call-started once when the runtime also notifies call_started', async () => {
    const h = await setup();
    h.connector.respond = ({ transport, callId }) => {
      transport.notify({ type: 'call_started', callId });
      return Promise.resolve({ ok: true });
    };
    const client = await h.connect();
    client.socket.emit('start-call', { callId: 'call-1' });
    await client.received.next('call-started');
    client.socket.emit('end-call');
    await eventually(() => h.connector.calls[0]?.events.some((e) => e.type === 'hangup') === true);
    expect(client.received.all('call-started')).toHaveLength(1);
  });

  it('rejects an odd sample rate with validation_failed and starts nothing', async () => {
    const h = await setup();
    const client = await h.connect();
    client.socket.emit('start-call', { callId: 'call-1', inputSampleRate: 44100 });
    expect(await client.received.next('error')).toEqual({
      code: 'validation_failed',
      message: 'Invalid start-call: inputSampleRate: must be one of 8000, 16000, 24000, 48000 Hz, got 44100',
      recoverable: true,
    });
    client.socket.emit('start-call', { callId: 42, outputSampleRate: '24000', audioEncoding: 'opus' });
    const wrongTypes = (await client.received.next('error')) as { code: string; message: string };
    expect(wrongTypes.code).toBe('validation_failed');
    expect(wrongTypes.message).toContain('callId');
    expect(wrongTypes.message).toContain('outputSampleRate');
    expect(wrongTypes.message).toContain("audioEncoding must be 'pcm16'");
    client.socket.emit('start-call', 'call-1');
    expect(await client.received.next('error')).toMatchObject({ code: 'validation_failed' });
    expect(h.connector.calls).toHaveLength(0);
  });

  it('rejects a second start-call while a call runs, and the first call carries on', async () => {
    const h = await setup();
    const client = await h.connect();
    client.socket.emit('start-call', { callId: 'call-1' });
    await client.received.next('call-started');
    client.socket.emit('start-call', { callId: 'call-2' });
    expect(await client.received.next('error')).toEqual({
      code: 'call_in_progress',
      message: 'Call call-1 is already running on this connection; end it before starting another',
      recoverable: true,
    });
    client.socket.emit('audio-data', Buffer.alloc(320));
    const { events } = await h.connector.call();
    await eventually(() => events.some((e) => e.type === 'caller_audio'));
    expect(h.connector.calls).toHaveLength(1);
  });

  it('reports a refused start as a non-recoverable error and lets the client start again', async () => {
    const h = await setup();
    h.connector.respond = () => Promise.resolve({ ok: false, code: 'call_not_found', message: 'Call not found' });
    const client = await h.connect();
    client.socket.emit('start-call', { callId: 'nope' });
    expect(await client.received.next('error')).toEqual({ code: 'call_not_found', message: 'Call not found', recoverable: false });
    h.connector.respond = () => Promise.resolve({ ok: true });
    client.socket.emit('start-call', { callId: 'call-2' });
    expect(await client.received.next('call-started')).toMatchObject({ callId: 'call-2' });
    expect(client.received.all('call-ended')).toHaveLength(0);
  });

  it('reports a connector that throws as internal_error without harming the socket', async () => {
    const h = await setup();
    h.connector.respond = () => Promise.reject(new Error('bug'));
    const client = await h.connect();
    client.socket.emit('start-call', { callId: 'call-1' });
    expect(await client.received.next('error')).toEqual({ code: 'internal_error', message: 'The call could not be started', recoverable: false });
    expect(client.socket.connected).toBe(true);
  });

  it('holds caller events while the connector is starting the call and delivers them in order', async () => {
    const h = await setup();
    let accept: () => void = () => undefined;
    h.connector.respond = () => new Promise((resolve) => (accept = () => { resolve({ ok: true }); }));
    const client = await h.connect();
    client.socket.emit('start-call', { callId: 'call-1' });
    client.socket.emit('audio-data', Buffer.from([1, 0]));
    client.socket.emit('audio-data', Buffer.from([2, 0]));
    client.socket.emit('end-call', { callId: 'call-1' });
    const { events } = await h.connector.call();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(events).toHaveLength(0);
    accept();
    await eventually(() => events.length === 3);
    expect(events.map((e) => e.type)).toEqual(['caller_audio', 'caller_audio', 'hangup']);
    expect(events[2]).toMatchObject({ type: 'hangup', reason: 'caller_ended' });
    expect(await client.received.next('call-started')).toMatchObject({ callId: 'call-1' });
  });
});
