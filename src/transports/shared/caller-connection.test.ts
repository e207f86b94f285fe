import { describe, expect, it } from 'vitest';
import type { StartCallResult } from './call-connector.ts';
import { CallerConnection } from './caller-connection.ts';
import { FakeCallConnector } from '../../testing/fake-call-connector.ts';
import { ManualClock } from '../../testing/manual-clock.ts';
import { silentLogger, testIdentity } from '../../testing/transport-test-support.ts';
import { resolveLimits, type TransportLimits } from './transport-limits.ts';
import type { OutboundAudio, OutboundEvent, WireError } from './wire.ts';

function setup(limits: Partial<TransportLimits> = {}) {
  const clock = new ManualClock();
  const connector = new FakeCallConnector();
  const sent: (OutboundEvent | OutboundAudio)[] = [];
  const errors: WireError[] = [];
  const released: string[] = [];
  const connection = new CallerConnection({
    identity: testIdentity,
    connector,
    wire: { messageNames: { start: 'start', end: 'end' }, sendError: (e) => errors.push(e), callReleased: (reason) => released.push(reason) },
    limits: resolveLimits(limits),
    clock,
    logger: silentLogger(),
  });
  const start = (callId = 'call-1') => {
    connection.start({ callId, inputSampleRateHz: 16000, outputSampleRateHz: 24000, playbackReports: false }, () => ({
      sendEvent: (e) => sent.push(e),
      sendAudio: (a) => sent.push(a),
    }));
  };
  return { clock, connector, sent, errors, released, connection, start };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

function deferred(): { promise: Promise<StartCallResult>; resolve: (r: StartCallResult) => void } {
  let resolve: (r: StartCallResult) => void = () => undefined;
  const promise = new Promise<StartCallResult>((r) => (resolve = r));
  return { promise, resolve };
}

describe('CallerConnection', () => {
  it('closes the call itself when the runtime ignores a hangup past the grace period', async () => {
    const t = setup({ hangupGraceMs: 5000 });
    t.start();
    await flush();
    t.connection.end({ callId: null });
    t.clock.advance(4999);
    expect(t.released).toEqual([]);
    t.clock.advance(1);
    expect(t.released).toEqual(['caller_ended']);
    expect(t.sent.at(-1)).toEqual({ type: 'call_ended', callId: 'call-1', status: 'ended', reason: 'caller_ended', transcript: [] });
    expect(t.connection.callId).toBeNull();
  });

  it('cancels the grace timer when the runtime closes the call in its hangup listener', async () => {
    const t = setup({ hangupGraceMs: 5000 });
    t.connector.respond = ({ transport }) => {
      transport.events.on('hangup', (event) => void transport.close(event.reason));
      return Promise.resolve({ ok: true });
    };
    t.start();
    await flush();
    t.connection.end({ callId: 'call-1' });
    expect(t.released).toEqual(['caller_ended']);
    t.clock.advance(10_000);
    expect(t.released).toEqual(['caller_ended']);
    expect(t.sent.filter((e) => 'type' in e && e.type === 'call_ended')).toHaveLength(1);
  });

  it('holds at most maxPendingAudioBytes of caller audio while the call starts', async () => {
    const t = setup({ maxPendingAudioBytes: 1000 });
    const pending = deferred();
    t.connector.respond = () => pending.promise;
    t.start();
    for (let i = 0; i < 5; i++) t.connection.audio(new Uint8Array(400));
    pending.resolve({ ok: true });
    await flush();
    const { events } = await t.connector.call();
    expect(events.filter((e) => e.type === 'caller_audio')).toHaveLength(2);
  });

  it('hangs up a call whose caller left while it was starting, once it starts', async () => {
    const t = setup();
    const pending = deferred();
    t.connector.respond = () => pending.promise;
    t.start();
    t.connection.audio(new Uint8Array(2));
    t.connection.disconnected('caller_disconnected');
    pending.resolve({ ok: true });
    await flush();
    const { events } = await t.connector.call();
    expect(events.map((e) => e.type)).toEqual(['caller_audio', 'hangup']);
    expect(t.errors).toEqual([]);
  });

  it('sends nothing when a start fails after the caller left', async () => {
    const t = setup();
    const pending = deferred();
    t.connector.respond = () => pending.promise;
    t.start();
    t.connection.disconnected('caller_disconnected');
    pending.resolve({ ok: false, code: 'call_not_found', message: 'Call not found' });
    await flush();
    expect(t.errors).toEqual([]);
    expect(t.sent).toEqual([]);
  });

  it('keeps working when a runtime listener throws', async () => {
    const t = setup();
    t.connector.respond = ({ transport }) => {
      transport.events.on('caller_audio', () => {
        throw new Error('runtime bug');
      });
      return Promise.resolve({ ok: true });
    };
    t.start();
    await flush();
    expect(() => {
      t.connection.audio(new Uint8Array(2));
    }).not.toThrow();
    const { events } = await t.connector.call();
    t.connection.audio(new Uint8Array(2));
    t.connection.end({ callId: null });
    expect(events.map((e) => e.type)).toEqual(['hangup']);
    expect(t.errors).toEqual([]);
  });

  it('limits audio bytes per second and error events per second', async () => {
    const t = setup({ maxAudioBytesPerSecond: 1000, errorsPerSecond: 2 });
    t.start();
    await flush();
    t.connection.audio(new Uint8Array(2000));
    t.connection.audio(new Uint8Array(2));
    expect(t.errors.map((e) => e.code)).toEqual(['rate_limited']);
    for (let i = 0; i < 20; i++) t.connection.reportError({ code: 'validation_failed', message: 'x', recoverable: true });
    expect(t.errors).toHaveLength(8);
    t.connection.reportError({ code: 'call_not_found', message: 'gone', recoverable: false });
    expect(t.errors).toHaveLength(9);
    t.clock.advance(1000);
    t.connection.audio(new Uint8Array(1000));
    t.connection.reportError({ code: 'validation_failed', message: 'y', recoverable: true });
    expect(t.errors).toHaveLength(10);
    const { events } = await t.connector.call();
    expect(events.filter((e) => e.type === 'caller_audio')).toHaveLength(2);
  });
});
