import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkPcm16Frame, decodeBase64Frame } from './audio-frame.ts';
import { parseMessage, playbackFields, startFields, toPlaybackReport, toStartRequest } from './inbound-messages.ts';

describe('PCM16 frame checks', () => {
  it('accepts even, non-empty frames up to the limit', () => {
    expect(checkPcm16Frame(new Uint8Array(640), 640)).toEqual({ ok: true, value: new Uint8Array(640) });
    expect(checkPcm16Frame(new Uint8Array(642), 640)).toMatchObject({ ok: false, error: { code: 'payload_too_large' } });
    expect(checkPcm16Frame(new Uint8Array(641), 1000)).toMatchObject({ ok: false, error: { code: 'invalid_audio' } });
    expect(checkPcm16Frame(new Uint8Array(0), 1000)).toMatchObject({ ok: false, error: { code: 'invalid_audio' } });
  });

  it('decodes base64 and refuses oversize text before decoding it', () => {
    const pcm = Buffer.from([1, 0, 255, 127]);
    const decoded = decodeBase64Frame(pcm.toString('base64'), 1000);
    expect(decoded.ok && Buffer.from(decoded.value)).toEqual(pcm);
    expect(decodeBase64Frame('AQD/fw', 1000)).toMatchObject({ ok: true });
    expect(decodeBase64Frame('A'.repeat(1400), 1000)).toMatchObject({ ok: false, error: { code: 'payload_too_large' } });
    expect(decodeBase64Frame('AQID', 1000)).toMatchObject({ ok: false, error: { code: 'invalid_audio', message: expect.stringContaining('even byte length') as unknown } });
    expect(decodeBase64Frame('A', 1000)).toMatchObject({ ok: false, error: { message: 'Audio is not valid base64' } });
    expect(decodeBase64Frame('AQ=D', 1000)).toMatchObject({ ok: false, error: { message: 'Audio is not valid base64' } });
  });
});

describe('control field validation', () => {
  const start = z.object(startFields);
  const playback = z.object(playbackFields);

  it('fills defaults and keeps declared rates', () => {
    const parsed = parseMessage(start, { callId: ' call-1 ', inputSampleRate: 8000 }, 'start');
    expect(parsed.ok && toStartRequest(parsed.value)).toEqual({ callId: 'call-1', inputSampleRateHz: 8000, outputSampleRateHz: 24000, playbackReports: false });
  });

  it('names every problem in one message', () => {
    const parsed = parseMessage(start, { callId: '', inputSampleRate: 44100, playbackReports: 'yes' }, 'start');
    expect(parsed).toMatchObject({ ok: false, error: { code: 'validation_failed', recoverable: true } });
    const message = parsed.ok ? '' : parsed.error.message;
    expect(message).toMatch(/^Invalid start: callId: .*; inputSampleRate: must be one of 8000, 16000, 24000, 48000 Hz, got 44100; playbackReports: /);
  });

  it('rounds fractional playback positions and refuses negative or absurd ones', () => {
    const ok = parseMessage(playback, { itemId: 'a', playedMs: 12.6 }, 'playback');
    expect(ok.ok && toPlaybackReport(ok.value)).toEqual({ itemId: 'a', playedMs: 13, generation: null });
    expect(parseMessage(playback, { itemId: 'a', playedMs: -1 }, 'playback').ok).toBe(false);
    expect(parseMessage(playback, { itemId: 'a', playedMs: 1e12 }, 'playback').ok).toBe(false);
    expect(parseMessage(playback, { itemId: 'a', playedMs: 5, generation: 1.5 }, 'playback').ok).toBe(false);
  });
});
