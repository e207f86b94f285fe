import { describe, expect, it } from 'vitest';
import { createTwilioWorld, RecordingTwilioConnector, SessionTwilioConnector } from '../../testing/fake-twilio-media/twilio-world.ts';
import { ManualClock } from '../../testing/runtime-fakes/index.ts';

describe('DTMF on a Twilio call', () => {
  it('delivers each key press to the runtime as a typed dtmf event, in order with the audio', async () => {
    const world = await createTwilioWorld({ connector: new RecordingTwilioConnector() });
    world.twilio.sendFrames(1);
    world.twilio.dtmf('4');
    world.twilio.sendFrames(1);
    world.twilio.dtmf('#');
    await world.flush();
    expect(world.connector.events.map((event) => (event.type === 'dtmf' ? `dtmf:${event.digit}` : event.type))).toEqual([
      'caller_audio',
      'dtmf:4',
      'caller_audio',
      'dtmf:#',
    ]);
    expect(world.stream.stats.dtmf).toBe(2);
  });

  it('is recorded in the call by the runtime, whatever the engine', async () => {
    const clock = new ManualClock();
    const world = await createTwilioWorld({ clock, connector: new SessionTwilioConnector(clock) });
    world.twilio.dtmf('7');
    await world.flush();
    await world.connector.call.whenIdle();
    expect(world.connector.sink.events.filter((event) => event.type === 'dtmf').map((event) => event.data)).toEqual([{ digit: '7' }]);
  });

  it('drops a key that is not a DTMF digit as a bad message', async () => {
    const world = await createTwilioWorld({ connector: new RecordingTwilioConnector() });
    world.twilio.dtmf('hello');
    await world.flush();
    expect(world.connector.eventsOf('dtmf')).toEqual([]);
    expect(world.stream.stats.badMessages).toBe(1);
  });
});
