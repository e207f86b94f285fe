import { describe, expect, it } from 'vitest';
import { createTwilioWorld, RecordingTwilioConnector } from '../../testing/fake-twilio-media/twilio-world.ts';

async function pacedCall() {
  const world = await createTwilioWorld({ connector: new RecordingTwilioConnector(), fake: { pacedMedia: true }, limits: { stallMs: 100 } });
  await world.advance(200);
  return world;
}

function callerAudio(connector: RecordingTwilioConnector): Uint8Array[] {
  return connector.eventsOf('caller_audio').map((event) => event.chunk.data);
}

describe('silence padding when Twilio media stalls', () => {
  it('feeds 20 ms μ-law silence frames at real-time pace after a 100 ms stall, and stops when media resumes', async () => {
    const world = await pacedCall();
    const { connector, stream, twilio } = world;
    expect(stream.stats.paddedFrames).toBe(0);
    const realFrames = callerAudio(connector).length;
    expect(realFrames).toBe(twilio.sentAudio.length);

    twilio.pauseMedia();
    await world.advance(80);
    expect(stream.stats.paddedFrames).toBe(0);
    await world.advance(40);
    const first = stream.stats.paddedFrames;
    expect(first).toBeGreaterThanOrEqual(1);
    await world.advance(200);
    expect(stream.stats.paddedFrames - first).toBe(10);
    const padded = callerAudio(connector).slice(realFrames);
    expect(padded.every((frame) => frame.length === 160 && frame.every((byte) => byte === 0xff))).toBe(true);

    twilio.resumeMedia();
    await world.advance(20);
    const afterResume = stream.stats.paddedFrames;
    await world.advance(400);
    expect(stream.stats.paddedFrames).toBe(afterResume);
    expect(callerAudio(connector)).toHaveLength(twilio.sentAudio.length + afterResume);
  });

  it('never pads after stop', async () => {
    const world = await pacedCall();
    world.twilio.pauseMedia();
    world.twilio.hangUp();
    await world.flush();
    const delivered = world.connector.events.length;
    await world.advance(2000);
    expect(world.stream.stats.paddedFrames).toBe(0);
    expect(world.connector.events.length).toBe(delivered);
    expect(world.connector.eventsOf('hangup')).toMatchObject([{ reason: 'twilio_stop' }]);
  });

  it('does not pad while the call is still starting', async () => {
    const connector = new RecordingTwilioConnector();
    const release = connector.hold();
    const world = await createTwilioWorld({ connector, fake: { pacedMedia: false } });
    await world.advance(1000);
    expect(world.stream.stats.paddedFrames).toBe(0);
    release();
    await world.advance(200);
    expect(world.stream.stats.paddedFrames).toBeGreaterThan(0);
  });

  it('hangs up a stream that has sent nothing at all for the inbound timeout', async () => {
    const world = await createTwilioWorld({ connector: new RecordingTwilioConnector(), fake: { pacedMedia: true }, limits: { inboundTimeoutMs: 2000 } });
    await world.advance(100);
    world.twilio.pauseMedia();
    await world.advance(2100);
    expect(world.connector.eventsOf('hangup')).toMatchObject([{ reason: 'twilio_stream_timeout' }]);
    expect(world.serverClose?.code).toBe(1001);
    const padded = world.stream.stats.paddedFrames;
    await world.advance(500);
    expect(world.stream.stats.paddedFrames).toBe(padded);
  });
});
