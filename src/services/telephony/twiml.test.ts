/**
 * The TwiML documents, parsed back as XML: the stream verb with its parameters (escaped, never in the
 * URL), refusals, the IVR redirect, and the media URL for each PUBLIC_URL scheme.
 */
import { describe, expect, it } from 'vitest';
import { connectStreamOf, parseTwiml } from '../../testing/twiml-parser.ts';
import { connectStreamTwiml, localized, lineMessages, mediaStreamUrl, redirectTwiml, sayAndHangUpTwiml } from './twiml.ts';

describe('TwiML', () => {
  it('connects a bidirectional stream with the values as <Parameter>s, XML-escaped', () => {
    const xml = connectStreamTwiml('wss://voice.example.com/twilio/media', { callId: 'c-1', streamToken: 'a&b<"c">' });
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    expect(connectStreamOf(xml)).toEqual({ url: 'wss://voice.example.com/twilio/media', parameters: { callId: 'c-1', streamToken: 'a&b<"c">' } });
    const stream = parseTwiml(xml).children[0]?.children[0];
    expect(Object.keys(stream?.attributes ?? {})).toEqual(['url']);
  });

  it('says a message in a voice and language, then hangs up', () => {
    const response = parseTwiml(sayAndHangUpTwiml('Désolé & au revoir', { voice: 'Polly.Léa', language: 'fr-FR' }));
    expect(response.name).toBe('Response');
    expect(response.children.map((verb) => verb.name)).toEqual(['Say', 'Hangup']);
    expect(response.children[0]).toMatchObject({ text: 'Désolé & au revoir', attributes: { voice: 'Polly.Léa', language: 'fr-FR' } });
  });

  it('redirects to the IVR with POST', () => {
    const response = parseTwiml(redirectTwiml('https://voice.example.com/twilio/ivr/answer'));
    expect(response.children).toEqual([{ name: 'Redirect', attributes: { method: 'POST' }, children: [], text: 'https://voice.example.com/twilio/ivr/answer' }]);
  });

  it('builds the media URL from PUBLIC_URL: https → wss, http → ws, no query string', () => {
    expect(mediaStreamUrl('https://voice.example.com/')).toBe('wss://voice.example.com/twilio/media');
    expect(mediaStreamUrl('http://localhost:3000')).toBe('ws://localhost:3000/twilio/media');
    expect(mediaStreamUrl('https://example.com/switchboard')).toBe('wss://example.com/switchboard/twilio/media');
  });

  it('speaks French on French lines, English elsewhere', () => {
    expect(localized(lineMessages.busy, 'fr-CA')).toBe(lineMessages.busy.fr);
    expect(localized(lineMessages.busy, 'en')).toBe(lineMessages.busy.en);
    expect(localized(lineMessages.busy, 'de-DE')).toBe(lineMessages.busy.en);
  });
});
