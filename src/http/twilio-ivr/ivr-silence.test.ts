import { afterEach, describe, expect, it } from 'vitest';
import { callIdIn, callSid, spokenIn, startIvrWorld, turnUrlOf, verbsOf, type IvrWorld } from '../../testing/ivr-world.ts';

let world: IvrWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const mondayMorningParis = Date.UTC(2026, 10, 23, 9, 0);
const reprompt = 'Je ne vous ai pas entendu. Comment puis-je vous aider ?';
const goodbye = "Je ne vous entends toujours pas. N'hésitez pas à nous rappeler. Au revoir.";

/** What Twilio posts when a gather with actionOnEmptyResult hears nothing: no SpeechResult at all. */
const silence = (sid: string) => ({ CallSid: sid, AccountSid: `AC${'0'.repeat(32)}`, CallStatus: 'in-progress' });

describe('IVR silence (gather timeout)', () => {
  it('re-prompts inside a new Gather (never hangs up at once), twice, then says goodbye and hangs up', async () => {
    world = await startIvrWorld({ startMs: mondayMorningParis });
    const sid = callSid();
    const first = await world.incoming(sid);
    const callId = callIdIn(first);

    const once = await world.post(turnUrlOf(first), silence(sid));
    expect(verbsOf(once.body)).toEqual(['Gather', 'Redirect']);
    expect(spokenIn(once.body)).toEqual([reprompt]);
    expect(turnUrlOf(once.body)).toMatch(/silent=1$/);

    const twice = await world.post(turnUrlOf(once.body), { ...silence(sid), SpeechResult: '   ' });
    expect(spokenIn(twice.body)).toEqual([reprompt]);
    expect(turnUrlOf(twice.body)).toMatch(/silent=2$/);
    expect((await world.call(callId))?.status).toBe('active');

    const third = await world.post(turnUrlOf(twice.body), silence(sid));
    expect(verbsOf(third.body)).toEqual(['Say', 'Hangup']);
    expect(spokenIn(third.body)).toEqual([goodbye]);
    expect(await world.call(callId)).toMatchObject({ status: 'ended', endReason: 'no_input' });
    expect((await world.transcript(callId)).map((t) => t.text)).toEqual([expect.any(String), reprompt, reprompt, goodbye]);
  });

  it('speech resets the count: silence after an answer re-prompts again', async () => {
    world = await startIvrWorld({ startMs: mondayMorningParis });
    const sid = callSid();
    const once = await world.post(turnUrlOf(await world.incoming(sid)), silence(sid));
    const spoke = await world.post(turnUrlOf(once.body), { ...silence(sid), SpeechResult: 'Bonjour', Confidence: '0.8' });
    expect(turnUrlOf(spoke.body)).toMatch(/silent=0$/);
    const again = await world.post(turnUrlOf(spoke.body), silence(sid));
    expect(spokenIn(again.body)).toEqual([reprompt]);
  });

  it('the re-prompt count is configurable (maxReprompts 0: goodbye at the first silence)', async () => {
    world = await startIvrWorld({ startMs: mondayMorningParis, ivrOptions: { maxReprompts: 0 } });
    const sid = callSid();
    const res = await world.post(turnUrlOf(await world.incoming(sid)), silence(sid));
    expect(verbsOf(res.body)).toEqual(['Say', 'Hangup']);
  });

  it('a call past its maximum duration says goodbye and ends (max_duration) at its next turn', async () => {
    world = await startIvrWorld({ startMs: mondayMorningParis });
    const sid = callSid();
    const first = await world.incoming(sid);
    world.clock.advance(11 * 60_000); // the default agent allows ten minutes
    const res = await world.post(turnUrlOf(first), { ...silence(sid), SpeechResult: 'Encore une question' });
    expect(verbsOf(res.body)).toEqual(['Say', 'Hangup']);
    expect(await world.call(callIdIn(first))).toMatchObject({ status: 'ended', endReason: 'max_duration' });
    expect(world.chat.requests).toHaveLength(0);
  });
});
