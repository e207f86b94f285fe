import { describe, expect, it } from 'vitest';
import { ManualClock } from '../runtime-fakes/index.ts';
import { FakeTwilioMedia, type TwilioLink } from './fake-twilio-media.ts';

interface Sent {
  readonly event: string;
  readonly sequenceNumber?: string;
  readonly streamSid?: string;
  readonly media?: { readonly track: string; readonly chunk: string; readonly timestamp: string; readonly payload: string };
  readonly start?: Record<string, unknown>;
  readonly mark?: { readonly name: string };
  readonly dtmf?: { readonly digit: string };
}

function fake(options: { paced?: boolean } = {}) {
  const clock = new ManualClock();
  const sent: Sent[] = [];
  const closes: number[] = [];
  const link: TwilioLink = {
    send: (text) => sent.push(JSON.parse(text) as Sent),
    close: (code) => closes.push(code),
    terminate: () => closes.push(1006),
  };
  const twilio = new FakeTwilioMedia(link, { clock, customParameters: { callId: 'c1', streamToken: 't1' }, pacedMedia: options.paced ?? true });
  return { clock, sent, closes, twilio };
}

describe('the fake Twilio media stream client', () => {
  it('opens like Twilio: connected, then start with the parameters and μ-law 8 kHz mono', () => {
    const { sent, twilio } = fake({ paced: false });
    twilio.begin();
    expect(sent[0]).toEqual({ event: 'connected', protocol: 'Call', version: '1.0.0' });
    expect(sent[1]).toMatchObject({
      event: 'start',
      sequenceNumber: '1',
      streamSid: twilio.streamSid,
      start: {
        streamSid: twilio.streamSid,
        callSid: twilio.callSid,
        accountSid: twilio.accountSid,
        customParameters: { callId: 'c1', streamToken: 't1' },
        mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
      },
    });
    expect(twilio.streamSid).toMatch(/^MZ[0-9a-f]{32}$/);
  });

  it('sends a 160-byte frame every 20 ms with increasing sequence, chunk and timestamp; speech first, then line silence', () => {
    const { clock, sent, twilio } = fake();
    twilio.say(new Uint8Array(200).fill(0x10));
    twilio.begin();
    clock.advance(60);
    const media = sent.filter((message) => message.event === 'media');
    expect(media).toHaveLength(4);
    expect(media.map((message) => [message.sequenceNumber, message.media?.chunk, message.media?.timestamp])).toEqual([
      ['2', '1', '0'],
      ['3', '2', '20'],
      ['4', '3', '40'],
      ['5', '4', '60'],
    ]);
    const frames = media.map((message) => Buffer.from(message.media?.payload ?? '', 'base64'));
    expect(frames.every((frame) => frame.length === 160)).toBe(true);
    expect([...(frames[1] ?? [])].slice(0, 40).every((byte) => byte === 0x10)).toBe(true);
    expect([...(frames[1] ?? [])].slice(40).every((byte) => byte === 0xff)).toBe(true);
  });

  it('stalls on pauseMedia and resumes on resumeMedia', () => {
    const { clock, sent, twilio } = fake();
    twilio.begin();
    twilio.pauseMedia();
    const before = sent.length;
    clock.advance(500);
    expect(sent.length).toBe(before);
    twilio.resumeMedia();
    clock.advance(40);
    expect(sent.length - before).toBe(3);
  });

  it('records what the server sends, plays it, and echoes marks', () => {
    const { clock, sent, twilio } = fake({ paced: false });
    twilio.begin();
    twilio.receive(JSON.stringify({ event: 'media', streamSid: twilio.streamSid, media: { payload: Buffer.alloc(160, 1).toString('base64') } }));
    twilio.receive(JSON.stringify({ event: 'mark', streamSid: twilio.streamSid, mark: { name: 'm1' } }));
    clock.advance(20);
    expect(sent.at(-1)).toMatchObject({ event: 'mark', mark: { name: 'm1' }, streamSid: twilio.streamSid });
    expect(twilio.receivedEvents()).toEqual(['media', 'mark']);
    expect(twilio.protocolErrors).toEqual([]);
  });

  it.each([
    ['an event Twilio does not accept', { event: 'transcript', streamSid: 'SID', text: 'hi' }],
    ['media with extra fields', { event: 'media', streamSid: 'SID', media: { payload: 'AAAA', itemId: 'x' } }],
    ['a mark without a name', { event: 'mark', streamSid: 'SID', mark: {} }],
    ['another stream', { event: 'clear', streamSid: 'MZ00000000000000000000000000000000' }],
    ['not base64 audio', { event: 'media', streamSid: 'SID', media: { payload: '%%%%' } }],
  ])('flags %s as Twilio error 31924', (_name, message) => {
    const { twilio } = fake({ paced: false });
    twilio.begin();
    twilio.receive(JSON.stringify(message).replaceAll('"SID"', JSON.stringify(twilio.streamSid)));
    expect(twilio.protocolErrors).toHaveLength(1);
    expect(twilio.received).toEqual([]);
    expect(() => {
      twilio.assertNoProtocolErrors();
    }).toThrow(/31924/);
  });

  it('hangs up with stop then a clean close; drop closes without stop', () => {
    const first = fake({ paced: false });
    first.twilio.begin();
    first.twilio.hangUp();
    expect(first.sent.at(-1)).toMatchObject({ event: 'stop', stop: { callSid: first.twilio.callSid } });
    expect(first.closes).toEqual([1000]);

    const second = fake({ paced: false });
    second.twilio.begin();
    second.twilio.drop();
    expect(second.sent.some((message) => message.event === 'stop')).toBe(false);
    expect(second.closes).toEqual([1006]);
  });
});
