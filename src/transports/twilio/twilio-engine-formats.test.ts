import { describe, expect, it } from 'vitest';
import { AppError } from '../../core/errors.ts';
import { createTwilioWorld, SessionTwilioConnector } from '../../testing/fake-twilio-media/twilio-world.ts';
import { ManualClock, MULAW_8K, PCM16_16K, PCM16_24K, toneChunk } from '../../testing/runtime-fakes/index.ts';

describe('a Twilio call behind any engine', () => {
  it('passes μ-law through untouched to an engine that speaks it, both ways', async () => {
    const clock = new ManualClock();
    const world = await createTwilioWorld({ clock, connector: new SessionTwilioConnector(clock) });
    expect(world.connector.call.audioPlan).toMatchObject({ engineInput: MULAW_8K, engineOutput: MULAW_8K, convertsInput: false, convertsOutput: false });

    const speech = toneChunk(MULAW_8K, 200).data;
    world.twilio.say(speech);
    world.twilio.sendFrames(10);
    await world.flush();
    const engine = world.connector.engine.session;
    expect(Buffer.concat(engine.audio.map((chunk) => chunk.data))).toEqual(Buffer.from(speech));

    const reply = toneChunk(MULAW_8K, 400, { frequencyHz: 300 });
    engine.responseStarted('resp-1');
    engine.assistantAudio('item-1', 400, reply);
    await world.flush();
    expect(Buffer.from(world.twilio.receivedAudio())).toEqual(Buffer.from(reply.data));
  });

  it('gives a PCM engine PCM through the runtime converter, and the caller 160-byte μ-law frames', async () => {
    const clock = new ManualClock();
    const connector = new SessionTwilioConnector(clock, { formats: { input: PCM16_16K, output: PCM16_24K } });
    const world = await createTwilioWorld({ clock, connector });
    expect(connector.call.audioPlan).toMatchObject({ convertsInput: true, convertsOutput: true });

    world.twilio.sendFrames(50);
    await world.flush();
    const engine = connector.engine.session;
    expect(engine.audio.every((chunk) => chunk.format.encoding === 'pcm16' && chunk.format.sampleRateHz === 16_000)).toBe(true);
    expect(engine.receivedAudioMs).toBeGreaterThan(990);

    engine.responseStarted('resp-1');
    engine.assistantAudio('item-1', 1000, toneChunk(PCM16_24K, 1000));
    engine.responseDone('resp-1');
    await world.advance(100);
    const media = world.twilio.received.flatMap((message) => (message.event === 'media' ? [message.payload] : []));
    expect(media.every((payload) => payload.length === 160)).toBe(true);
    expect(media.length).toBeGreaterThanOrEqual(50);
    expect(media.length).toBeLessThanOrEqual(51);
  });

  it('sends Twilio nothing but media, mark and clear through a whole call', async () => {
    const clock = new ManualClock();
    const world = await createTwilioWorld({ clock, connector: new SessionTwilioConnector(clock) });
    const engine = world.connector.engine.session;
    engine.speechStarted('user-1');
    engine.userTranscript('user-1', 'Hello there');
    engine.responseStarted('resp-1');
    engine.textDelta('item-1', 'Hi, ');
    engine.assistantAudio('item-1', 600);
    engine.textDone('item-1', 'Hi, how can I help?');
    engine.fail(new AppError('provider_error', 'hiccup'), true);
    engine.responseDone('resp-1');
    await world.advance(200);
    engine.speechStarted('user-2');
    world.twilio.dtmf('9');
    await world.advance(100);
    await world.connector.call.end('ended_by_api');
    await world.flush();

    const events = new Set(world.serverSent.map((text) => (JSON.parse(text) as { event: string }).event));
    expect([...events].sort()).toEqual(['clear', 'mark', 'media']);
    world.twilio.assertNoProtocolErrors();
    expect(world.serverClose?.code).toBe(1000);
  });
});
