import { describe, expect, it } from 'vitest';
import { createTwilioWorld, RecordingTwilioConnector, SessionTwilioConnector } from '../../testing/fake-twilio-media/twilio-world.ts';
import { ManualClock, MULAW_8K, toneChunk } from '../../testing/runtime-fakes/index.ts';

describe('caller audio that arrives before the call is connected', () => {
  it('is held while the connector starts the call and delivered in order, none lost', async () => {
    const connector = new RecordingTwilioConnector();
    const release = connector.hold();
    const world = await createTwilioWorld({ connector });
    const speech = toneChunk(MULAW_8K, 300).data;
    world.twilio.say(speech);
    world.twilio.sendFrames(15);
    world.twilio.dtmf('1');
    await world.flush();
    expect(connector.events).toEqual([]);

    release();
    await world.flush();
    const delivered = connector.eventsOf('caller_audio').map((event) => event.chunk.data);
    expect(Buffer.concat(delivered)).toEqual(Buffer.concat(world.twilio.sentAudio));
    expect(Buffer.concat(delivered).subarray(0, speech.length)).toEqual(Buffer.from(speech));
    expect(connector.events.at(-1)).toMatchObject({ type: 'dtmf', digit: '1' });
  });

  it('reaches the engine even when the engine opens after the connector accepted', async () => {
    const clock = new ManualClock();
    const connector = new SessionTwilioConnector(clock, { holdOpen: true });
    const world = await createTwilioWorld({ clock, connector });
    const speech = toneChunk(MULAW_8K, 400).data;
    world.twilio.say(speech);
    world.twilio.sendFrames(20);
    await world.flush();
    connector.engine.releaseOpen();
    await world.flush();
    const received = Buffer.concat(connector.engine.session.audio.map((chunk) => chunk.data));
    expect(received).toEqual(Buffer.from(speech));
  });

  it('loses nothing when the start and the engine together take 4 s: one pre-engine budget for both stages', async () => {
    const clock = new ManualClock();
    const connector = new SessionTwilioConnector(clock, { holdOpen: true });
    const releaseStart = connector.hold();
    const world = await createTwilioWorld({ clock, connector });
    // The caller speaks from the first frame: 1.5 s while the call is accepted, 2.5 s while the engine connects.
    world.twilio.say(toneChunk(MULAW_8K, 4000).data);
    world.twilio.sendFrames(75);
    await world.flush();
    releaseStart();
    await world.flush();
    world.twilio.sendFrames(125);
    await world.flush();
    connector.engine.releaseOpen();
    await world.flush();
    const received = Buffer.concat(connector.engine.session.audio.map((chunk) => chunk.data));
    expect(received.length).toBe(4000 * 8);
    expect(received).toEqual(Buffer.concat(world.twilio.sentAudio));
  });

  it('keeps the newest audio within the hold limit when the start takes very long', async () => {
    const connector = new RecordingTwilioConnector();
    const release = connector.hold();
    const world = await createTwilioWorld({ connector, limits: { maxHeldAudioMs: 200 } });
    world.twilio.sendFrames(25);
    await world.flush();
    release();
    await world.flush();
    const delivered = connector.eventsOf('caller_audio').map((event) => event.chunk.data);
    expect(delivered).toHaveLength(10);
    expect(Buffer.concat(delivered)).toEqual(Buffer.concat(world.twilio.sentAudio.slice(15)));
  });

  it('delivers a hang-up that came while starting after the held audio', async () => {
    const connector = new RecordingTwilioConnector();
    const release = connector.hold();
    const world = await createTwilioWorld({ connector });
    world.twilio.sendFrames(3);
    world.twilio.hangUp();
    await world.flush();
    release();
    await world.flush();
    expect(connector.events.map((event) => event.type)).toEqual(['caller_audio', 'caller_audio', 'caller_audio', 'hangup']);
  });
});
