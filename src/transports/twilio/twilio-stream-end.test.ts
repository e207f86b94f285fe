import { describe, expect, it } from 'vitest';
import { createTwilioWorld, RecordingTwilioConnector, SessionTwilioConnector } from '../../testing/fake-twilio-media/twilio-world.ts';
import { ManualClock } from '../../testing/runtime-fakes/index.ts';

async function sessionCall() {
  const clock = new ManualClock();
  return createTwilioWorld({ clock, connector: new SessionTwilioConnector(clock), limits: { closeDrainMs: 3000 } });
}

describe('how a Twilio stream ends', () => {
  it('a stop from Twilio hangs the call up', async () => {
    const world = await sessionCall();
    world.twilio.hangUp();
    await world.flush();
    expect(await world.connector.call.ended).toEqual({ status: 'ended', reason: 'twilio_stop' });
    expect(world.connector.sink.events.find((event) => event.type === 'caller_hangup')?.data).toEqual({ reason: 'twilio_stop' });
  });

  it('a dropped connection hangs the call up', async () => {
    const world = await sessionCall();
    world.twilio.drop();
    await world.flush();
    expect(await world.connector.call.ended).toEqual({ status: 'ended', reason: 'twilio_disconnected' });
    expect(world.connector.sink.events.find((event) => event.type === 'caller_hangup')?.data).toEqual({ reason: 'twilio_disconnected' });
  });

  it('when the call ends on our side, the phone plays what is queued before the socket closes', async () => {
    const world = await sessionCall();
    const engine = world.connector.engine.session;
    engine.responseStarted('resp-1');
    engine.assistantAudio('goodbye', 300);
    engine.responseDone('resp-1');
    await world.flush();
    const ended = world.connector.call.end('max_duration');
    await world.advance(280);
    expect(world.serverClose).toBeNull();
    await world.advance(40);
    expect(world.serverClose).toEqual({ code: 1000, reason: 'call ended' });
    expect(world.twilio.playback.playedMs).toBe(300);
    expect(await ended).toEqual({ status: 'ended', reason: 'max_duration' });
  });

  it('does not wait longer than closeDrainMs for the phone', async () => {
    const world = await sessionCall();
    const engine = world.connector.engine.session;
    engine.responseStarted('resp-1');
    engine.assistantAudio('long', 10_000);
    await world.flush();
    const ended = world.connector.call.end('ended_by_api');
    await world.advance(2980);
    expect(world.serverClose).toBeNull();
    await world.advance(40);
    expect(world.serverClose?.code).toBe(1000);
    await ended;
  });

  it('a refused call closes the stream and sends Twilio nothing', async () => {
    const connector = new RecordingTwilioConnector();
    connector.respond = () => Promise.resolve({ ok: false, code: 'call_not_found', message: 'Call not found' });
    const world = await createTwilioWorld({ connector });
    expect(world.serverClose).toEqual({ code: 1008, reason: 'call refused' });
    expect(world.serverSent).toEqual([]);
  });

  it('a connector that throws closes the stream too', async () => {
    const connector = new RecordingTwilioConnector();
    connector.respond = () => Promise.reject(new Error('bug'));
    const world = await createTwilioWorld({ connector });
    expect(world.serverClose?.code).toBe(1008);
  });

  it('a start without the stream token never reaches the connector', async () => {
    const connector = new RecordingTwilioConnector();
    const world = await createTwilioWorld({ connector, fake: { customParameters: { callId: 'call-1' } } });
    expect(connector.starts).toEqual([]);
    expect(world.serverClose?.code).toBe(1008);
  });

  it('hands the connector the call id and token from customParameters, with Twilio ids', async () => {
    const connector = new RecordingTwilioConnector();
    const world = await createTwilioWorld({ connector, fake: { customParameters: { callId: 'call-9', streamToken: 'tok-9', tenant: 'acme' } } });
    expect(connector.starts).toHaveLength(1);
    expect(connector.starts[0]).toMatchObject({
      callId: 'call-9',
      streamToken: 'tok-9',
      callSid: world.twilio.callSid,
      streamSid: world.twilio.streamSid,
      accountSid: world.twilio.accountSid,
      customParameters: { callId: 'call-9', streamToken: 'tok-9', tenant: 'acme' },
    });
    expect(connector.starts[0]?.transport.inputFormat).toEqual({ encoding: 'mulaw', sampleRateHz: 8000 });
    expect(connector.starts[0]?.transport.capabilities.playbackReports).toBe(true);
  });

  it('closes a connection that never sends start', async () => {
    const world = await createTwilioWorld({ connector: new RecordingTwilioConnector(), begin: false, limits: { inboundTimeoutMs: 5000 } });
    await world.advance(5000);
    expect(world.serverClose).toEqual({ code: 1008, reason: 'no start' });
  });
});
