import { describe, expect, it } from 'vitest';
import { renderTwiml, type TwimlTargets } from './twiml.ts';
import { elements, parseTwiml, textOf } from '../../testing/ivr-world.ts';
import { ivrVoiceOf, twilioVoiceId } from './voice.ts';

const targets: TwimlTargets = {
  turnUrl: (silent) => `https://voice.example.com/twilio/ivr/c1/turn?tenantId=t1&silent=${silent}`,
  dialUrl: 'https://voice.example.com/twilio/ivr/c1/dial?tenantId=t1',
  gatherTimeoutS: 6,
  dialTimeoutS: 25,
};
const lea = ivrVoiceOf({ voice: 'Polly.Léa', language: 'fr-FR', speed: 1, pitch: 1 });

describe('IVR TwiML', () => {
  it('says the lines INSIDE a speech <Gather> (so callers can interrupt), with every attribute Twilio needs', () => {
    const twiml = parseTwiml(renderTwiml({ kind: 'listen', lines: ['Bonjour et bienvenue chez Boulangerie & Fils.', 'Que puis-je faire ?'], silentTurns: 1 }, lea, targets));
    const [gather, redirect, ...others] = elements(twiml);
    expect(others).toEqual([]);
    expect(gather?.name).toBe('Gather');
    expect(gather?.attributes).toEqual({
      input: 'speech',
      action: 'https://voice.example.com/twilio/ivr/c1/turn?tenantId=t1&silent=1',
      method: 'POST',
      language: 'fr-FR',
      speechTimeout: 'auto',
      speechModel: 'phone_call',
      timeout: '6',
      actionOnEmptyResult: 'true',
      bargeIn: 'true',
    });
    const says = elements(gather!, 'Say');
    expect(says.map(textOf)).toEqual(['Bonjour et bienvenue chez Boulangerie & Fils.', 'Que puis-je faire ?']);
    for (const say of says) expect(say.attributes).toEqual({ voice: 'Polly.Lea', language: 'fr-FR' });
    // Nothing is said outside the gather; if Twilio ever fell through it, it posts to the same turn URL.
    expect(redirect?.name).toBe('Redirect');
    expect(redirect?.attributes).toEqual({ method: 'POST' });
    expect(textOf(redirect!)).toBe(targets.turnUrl(1));
  });

  it('escapes what a company or a model wrote: markup in a reply is text, never TwiML', () => {
    const xml = renderTwiml({ kind: 'listen', lines: ['</Say><Dial>+33999</Dial><Say>'], silentTurns: 0 }, lea, targets);
    const gather = elements(parseTwiml(xml), 'Gather')[0]!;
    expect(elements(gather).map((e) => e.name)).toEqual(['Say']);
    expect(textOf(elements(gather, 'Say')[0]!)).toBe('</Say><Dial>+33999</Dial><Say>');
    expect(xml).not.toContain('<Dial>');
  });

  it('hangs up after the lines', () => {
    const twiml = parseTwiml(renderTwiml({ kind: 'hangup', lines: ['Au revoir.'] }, lea, targets));
    expect(elements(twiml).map((e) => e.name)).toEqual(['Say', 'Hangup']);
    expect(textOf(elements(twiml, 'Say')[0]!)).toBe('Au revoir.');
  });

  it('transfers with <Dial> to the number, a callerId when configured, and an action for when nobody answers', () => {
    const twiml = parseTwiml(renderTwiml({ kind: 'transfer', lines: ['Je vous transfère.'], number: '+33123456789', callerId: '+33900000000' }, lea, targets));
    expect(elements(twiml).map((e) => e.name)).toEqual(['Say', 'Dial']);
    const dial = elements(twiml, 'Dial')[0]!;
    expect(dial.attributes).toEqual({ action: targets.dialUrl, method: 'POST', timeout: '25', callerId: '+33900000000' });
    expect(elements(dial).map((e) => [e.name, textOf(e)])).toEqual([['Number', '+33123456789']]);
    const noCallerId = elements(parseTwiml(renderTwiml({ kind: 'transfer', lines: [], number: '+33123456789', callerId: null }, lea, targets)), 'Dial')[0]!;
    expect(noCallerId.attributes).not.toHaveProperty('callerId');
  });

  it('speaks with the company voice and language; a speed other than 1 becomes an SSML prosody rate', () => {
    const mathieu = ivrVoiceOf({ voice: 'Polly.Mathieu', language: 'fr-CA', speed: 1.2, pitch: 1 });
    const gather = elements(parseTwiml(renderTwiml({ kind: 'listen', lines: ['Allô'], silentTurns: 0 }, mathieu, targets)), 'Gather')[0]!;
    expect(gather.attributes.language).toBe('fr-CA');
    const say = elements(gather, 'Say')[0]!;
    expect(say.attributes).toEqual({ voice: 'Polly.Mathieu', language: 'fr-CA' });
    const prosody = elements(say, 'prosody')[0]!;
    expect(prosody.attributes).toEqual({ rate: '120%' });
    expect(textOf(prosody)).toBe('Allô');
    // The basic voices do not read SSML: no prosody for them.
    expect(ivrVoiceOf({ voice: 'alice', language: 'en-US', speed: 1.5, pitch: 1 }).ratePercent).toBeNull();
  });

  it("maps Polly voice names to Twilio's ids (Léa is Polly.Lea) and leaves the accented ids Twilio does use", () => {
    expect(twilioVoiceId('Polly.Léa')).toBe('Polly.Lea');
    expect(twilioVoiceId('Polly.Céline')).toBe('Polly.Celine');
    expect(twilioVoiceId('Polly.Léa-Neural')).toBe('Polly.Lea-Neural');
    expect(twilioVoiceId('Polly.Rémi-Generative')).toBe('Polly.Rémi-Generative');
    expect(twilioVoiceId('Google.fr-FR-Standard-A')).toBe('Google.fr-FR-Standard-A');
  });
});
