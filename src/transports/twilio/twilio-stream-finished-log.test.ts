import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createTwilioWorld, SessionTwilioConnector } from '../../testing/fake-twilio-media/twilio-world.ts';
import { ManualClock } from '../../testing/runtime-fakes/index.ts';

/** The stream's final counters are its only record of bad messages, padding and marks: they must be logged once however the call ends. */
async function loggedCall() {
  const lines: { msg?: string; stats?: { mediaReceived?: number } }[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as (typeof lines)[number]) });
  const clock = new ManualClock();
  const world = await createTwilioWorld({ clock, connector: new SessionTwilioConnector(clock), logger });
  const finished = () => lines.filter((line) => line.msg === 'twilio stream finished');
  return { world, finished };
}

describe('the stream’s final counters', () => {
  it('are logged once when Twilio hangs up and nothing is left to play', async () => {
    const { world, finished } = await loggedCall();
    world.twilio.sendFrames(3);
    await world.flush();
    world.twilio.hangUp();
    await world.flush();
    await world.connector.call.ended;
    await world.flush();
    expect(finished()).toHaveLength(1);
    expect(finished()[0]?.stats?.mediaReceived).toBe(3);
  });

  it('are logged once when the connection drops', async () => {
    const { world, finished } = await loggedCall();
    world.twilio.drop();
    await world.flush();
    await world.connector.call.ended;
    await world.flush();
    expect(finished()).toHaveLength(1);
  });

  it('are logged once when the call ends on our side', async () => {
    const { world, finished } = await loggedCall();
    const ended = world.connector.call.end('ended_by_api');
    await world.advance(100);
    await ended;
    await world.flush();
    expect(finished()).toHaveLength(1);
  });
});
