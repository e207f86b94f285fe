import { describe, expect, it } from 'vitest';
import { mediaSchema, parseTwilioMessage, TwilioOutbound } from './twilio-messages.ts';

const MAX = 64 * 1024;
const STREAM = 'MZ0123456789abcdef0123456789abcdef';
const CALL = 'CA0123456789abcdef0123456789abcdef';
const ACCOUNT = 'AC0123456789abcdef0123456789abcdef';
const SECRET_AUDIO = Buffer.alloc(160, 0x42).toString('base64');

function start(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    event: 'start',
    sequenceNumber: '1',
    streamSid: STREAM,
    start: {
      accountSid: ACCOUNT,
      streamSid: STREAM,
      callSid: CALL,
      tracks: ['inbound'],
      customParameters: { callId: 'c1', streamToken: 't1' },
      mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
      ...overrides,
    },
  };
}

function media(payload: unknown = SECRET_AUDIO, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { event: 'media', sequenceNumber: '3', streamSid: STREAM, media: { track: 'inbound', chunk: '1', timestamp: '5', payload, ...extra } };
}

const parse = (value: unknown) => parseTwilioMessage(typeof value === 'string' ? value : JSON.stringify(value), MAX);

describe('Twilio messages at the boundary', () => {
  it('reads every message Twilio sends, numbers as numbers and audio decoded', () => {
    expect(parse({ event: 'connected', protocol: 'Call', version: '1.0.0' })).toEqual({ ok: true, value: { event: 'connected' } });
    expect(parse(start())).toEqual({
      ok: true,
      value: { event: 'start', sequenceNumber: 1, streamSid: STREAM, accountSid: ACCOUNT, callSid: CALL, customParameters: { callId: 'c1', streamToken: 't1' } },
    });
    const parsed = parse(media());
    expect(parsed.ok && parsed.value.event === 'media' && parsed.value).toMatchObject({ sequenceNumber: 3, chunk: 1, timestampMs: 5, track: 'inbound' });
    expect(parsed.ok && parsed.value.event === 'media' && Buffer.from(parsed.value.payload)).toEqual(Buffer.alloc(160, 0x42));
    expect(parse({ event: 'mark', sequenceNumber: '4', streamSid: STREAM, mark: { name: '0:12' } })).toMatchObject({ ok: true, value: { event: 'mark', name: '0:12' } });
    expect(parse({ event: 'dtmf', sequenceNumber: '5', streamSid: STREAM, dtmf: { track: 'inbound_track', digit: '#' } })).toMatchObject({
      ok: true,
      value: { event: 'dtmf', digit: '#' },
    });
    expect(parse({ event: 'stop', sequenceNumber: '6', streamSid: STREAM, stop: { accountSid: ACCOUNT, callSid: CALL } })).toMatchObject({ ok: true, value: { event: 'stop' } });
  });

  it('tolerates fields Twilio may add, and names unknown events without failing', () => {
    expect(parse({ ...media(), future: true }).ok).toBe(true);
    expect(parse({ event: 'speech', sequenceNumber: '9', streamSid: STREAM })).toEqual({ ok: true, value: { event: 'unknown', name: 'speech' } });
  });

  it.each([
    ['not JSON', '{"event":', 'invalid_json'],
    ['no event', { sequenceNumber: '1' }, 'not_an_event'],
    ['a number as event', { event: 7 }, 'not_an_event'],
    ['JSON null', 'null', 'not_an_event'],
    ['A-law instead of μ-law', start({ mediaFormat: { encoding: 'audio/x-alaw', sampleRate: 8000, channels: 1 } }), 'invalid_fields'],
    ['16 kHz', start({ mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 16000, channels: 1 } }), 'invalid_fields'],
    ['stereo', start({ mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 2 } }), 'invalid_fields'],
    ['a start naming another stream', start({ streamSid: 'MZffffffffffffffffffffffffffffffff' }), 'invalid_fields'],
    ['a malformed call sid', start({ callSid: 'CA-nope' }), 'invalid_fields'],
    ['media with a numeric timestamp', media(SECRET_AUDIO, { timestamp: 5 }), 'invalid_fields'],
    ['media that is not base64', media('not base64 at all!'), 'invalid_fields'],
    ['media with a broken base64 length', media('QUJDRA='), 'invalid_fields'],
    ['media too large', media(Buffer.alloc(9000).toString('base64')), 'invalid_fields'],
    ['media without payload', { event: 'media', sequenceNumber: '3', streamSid: STREAM, media: { track: 'inbound', chunk: '1', timestamp: '5' } }, 'invalid_fields'],
    ['a DTMF that is not a key', { event: 'dtmf', sequenceNumber: '5', streamSid: STREAM, dtmf: { digit: '12' } }, 'invalid_fields'],
    ['a mark without a name', { event: 'mark', sequenceNumber: '4', streamSid: STREAM, mark: {} }, 'invalid_fields'],
    ['a bad stream sid', { event: 'stop', sequenceNumber: '6', streamSid: 'MZ1' }, 'invalid_fields'],
  ])('refuses %s', (_name, value, reason) => {
    const parsed = parse(value);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error.reason).toBe(reason);
  });

  it('refuses an oversize frame before parsing it', () => {
    const parsed = parseTwilioMessage(' '.repeat(MAX + 1), MAX);
    expect(parsed).toMatchObject({ ok: false, error: { reason: 'too_large' } });
  });

  it('never puts the payload or parameter values in the reason', () => {
    const parsed = parse(media(`${SECRET_AUDIO}!`));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(JSON.stringify(parsed.error)).not.toContain(SECRET_AUDIO.slice(0, 12));
      expect(parsed.error.detail).toMatch(/^media\.payload:invalid_format/);
    }
  });
});

describe('the media hot path', () => {
  const valid = media();
  const variants: [string, unknown][] = [
    ['valid', valid],
    ['an extra field', { ...valid, future: 1 }],
    ['an extra media field', media(SECRET_AUDIO, { future: 1 })],
    ['outbound track', media(SECRET_AUDIO, { track: 'outbound' })],
    ['both tracks', media(SECRET_AUDIO, { track: 'both' })],
    ['a numeric chunk', media(SECRET_AUDIO, { chunk: 1 })],
    ['an empty timestamp', media(SECRET_AUDIO, { timestamp: '' })],
    ['a 15-digit sequence number', { ...valid, sequenceNumber: '123456789012345' }],
    ['a 16-digit sequence number', { ...valid, sequenceNumber: '1234567890123456' }],
    ['a signed sequence number', { ...valid, sequenceNumber: '-3' }],
    ['a lower-case stream sid', { ...valid, streamSid: `MZ${'ab'.repeat(16)}` }],
    ['a short stream sid', { ...valid, streamSid: `MZ${'a'.repeat(31)}` }],
    ['a call sid as stream sid', { ...valid, streamSid: `CA${'a'.repeat(32)}` }],
    ['media as an array', { ...valid, media: [] }],
    ['media null', { ...valid, media: null }],
    ['the shortest payload', media('AAA=')],
    ['padding only', media('====')],
    ['three characters', media('AAA')],
    ['whitespace in the payload', media('AAAA AAAA')],
    ['the longest payload', media('A'.repeat(Math.ceil(8000 / 3) * 4))],
    ['one block too long', media('A'.repeat(Math.ceil(8000 / 3) * 4 + 4))],
    ['a number as payload', media(1234)],
  ];

  it.each(variants)('agrees with the schema on %s', (_name, value) => {
    const schema = mediaSchema.safeParse(value);
    const parsed = parse(value);
    expect(parsed.ok).toBe(schema.success);
    if (parsed.ok && schema.success && parsed.value.event === 'media') {
      expect(parsed.value).toEqual({
        event: 'media',
        sequenceNumber: Number(schema.data.sequenceNumber),
        streamSid: schema.data.streamSid,
        track: schema.data.media.track,
        chunk: Number(schema.data.media.chunk),
        timestampMs: Number(schema.data.media.timestamp),
        payload: Buffer.from(schema.data.media.payload, 'base64'),
      });
    }
  });
});

describe('what the server sends Twilio', () => {
  it('builds media, mark and clear exactly as Twilio documents them', () => {
    const outbound = new TwilioOutbound(STREAM);
    expect(JSON.parse(outbound.media(new Uint8Array([0xff, 0x7f, 0x00])))).toEqual({ event: 'media', streamSid: STREAM, media: { payload: '/38A' } });
    expect(JSON.parse(outbound.mark('3:41'))).toEqual({ event: 'mark', streamSid: STREAM, mark: { name: '3:41' } });
    expect(JSON.parse(outbound.clear())).toEqual({ event: 'clear', streamSid: STREAM });
  });
});
