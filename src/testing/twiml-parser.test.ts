import { describe, expect, it } from 'vitest';
import { connectStreamOf, parseTwiml } from './twiml-parser.ts';

describe('TwiML parser (test tool)', () => {
  it('parses elements, attributes in both quote styles, entities and text', () => {
    const root = parseTwiml(`<?xml version="1.0" encoding="UTF-8"?><Response><Say voice='alice' language="en-US">Hi &amp; bye &#233;&#x41;</Say><Pause length="1"/></Response>`);
    expect(root).toEqual({
      name: 'Response',
      attributes: {},
      text: '',
      children: [
        { name: 'Say', attributes: { voice: 'alice', language: 'en-US' }, children: [], text: 'Hi & bye éA' },
        { name: 'Pause', attributes: { length: '1' }, children: [], text: '' },
      ],
    });
  });

  it('throws on malformed documents', () => {
    for (const bad of ['<Response><Say>x</Response>', '<Response>', '<Response/><Response/>', 'text<Response/>', '<Response>a & b</Response>', '<Response>&nbsp;</Response>', '<Response a="1" a="2"/>', '']) {
      expect(() => parseTwiml(bad), bad).toThrow(/TwiML/);
    }
  });

  it('reads a <Connect><Stream> and refuses anything else', () => {
    expect(connectStreamOf('<Response><Connect><Stream url="wss://x/m"><Parameter name="a" value="1"/></Stream></Connect></Response>')).toEqual({ url: 'wss://x/m', parameters: { a: '1' } });
    expect(() => connectStreamOf('<Response><Say>no</Say></Response>')).toThrow();
    expect(() => connectStreamOf('<Response><Connect><Stream url="wss://x/m"/></Connect><Hangup/></Response>')).toThrow();
  });
});
