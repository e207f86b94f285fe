import { describe, expect, it } from 'vitest';
import type { TransportEvent } from '../../runtime/ports.ts';
import { createTwilioWorld, SessionTwilioConnector, type TwilioWorld } from '../../testing/fake-twilio-media/twilio-world.ts';
import { ManualClock } from '../../testing/runtime-fakes/index.ts';

async function liveCall(): Promise<{ readonly world: TwilioWorld<SessionTwilioConnector>; readonly playback: TransportEvent[] }> {
  const clock = new ManualClock();
  const world = await createTwilioWorld({ clock, connector: new SessionTwilioConnector(clock) });
  const playback: TransportEvent[] = [];
  world.stream.transport?.events.on('playback', (event) => playback.push(event));
  return { world, playback };
}

function eventsOf(world: TwilioWorld<SessionTwilioConnector>): string[] {
  return world.serverSent.map((text) => (JSON.parse(text) as { event: string }).event);
}

describe('barge-in on a Twilio call', () => {
  it('sends clear before anything else and truncates at the last acknowledged mark', async () => {
    const { world } = await liveCall();
    const engine = world.connector.engine.session;
    engine.responseStarted('resp-1');
    engine.assistantAudio('item-a', 2000);
    await world.flush();
    expect(world.twilio.playback.queuedMs).toBe(2000);

    await world.advance(510);
    expect(world.twilio.playback.playedMs).toBe(510);

    const before = world.serverSent.length;
    engine.speechStarted('user-1');
    // Synchronously, in the same turn: the first and only message since the barge-in is `clear`.
    expect(eventsOf(world).slice(before)).toEqual(['clear']);
    expect(engine.interrupts).toEqual([{ itemId: 'item-a', heardMs: 500 }]);
    expect(Math.abs(500 - world.twilio.playback.playedMs)).toBeLessThanOrEqual(20);

    await world.flush();
    expect(world.twilio.playback.queuedMs).toBe(0);
    expect(world.twilio.playback.playedMs).toBe(510);
    world.twilio.assertNoProtocolErrors();
  });

  it('ignores the marks Twilio echoes for the cleared audio, and later audio of the cut item', async () => {
    const { world, playback } = await liveCall();
    const engine = world.connector.engine.session;
    engine.responseStarted('resp-1');
    engine.assistantAudio('item-a', 1000);
    await world.flush();
    await world.advance(200);
    const acceptedBefore = playback.length;
    expect(playback.at(-1)).toMatchObject({ itemId: 'item-a', playedMs: 200, generation: 0 });

    engine.speechStarted('user-1');
    await world.flush();
    // Twilio echoed the 40 pending marks at the clear; none of them became a playback position.
    expect(world.twilio.marksEchoed).toHaveLength(50);
    expect(world.stream.stats.outbound?.staleMarks).toBe(40);
    expect(playback).toHaveLength(acceptedBefore);

    const sentBefore = world.serverSent.length;
    engine.assistantAudio('item-a', 300);
    expect(world.serverSent.length).toBe(sentBefore);

    engine.responseStarted('resp-2');
    engine.assistantAudio('item-b', 100);
    const marks = world.serverSent.slice(sentBefore).flatMap((text) => {
      const message = JSON.parse(text) as { event: string; mark?: { name: string } };
      return message.mark ? [message.mark.name] : [];
    });
    expect(marks).toEqual(['1:51', '1:52', '1:53', '1:54', '1:55']);
    await world.advance(100);
    expect(playback.at(-1)).toMatchObject({ itemId: 'item-b', playedMs: 100, generation: 1 });
    world.twilio.assertNoProtocolErrors();
  });

  it('truncates at zero when the caller interrupts before any mark came back', async () => {
    const { world } = await liveCall();
    const engine = world.connector.engine.session;
    engine.responseStarted('resp-1');
    engine.assistantAudio('item-a', 800);
    await world.flush();
    await world.advance(10);
    engine.speechStarted('user-1');
    expect(engine.interrupts).toEqual([{ itemId: 'item-a', heardMs: 0 }]);
    expect(eventsOf(world).at(-1)).toBe('clear');
  });
});
