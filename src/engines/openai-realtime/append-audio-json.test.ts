import type { InputAudioBufferAppendEvent } from 'openai/resources/realtime/realtime';
import { describe, expect, it } from 'vitest';
import { appendAudioJson } from './client-events.ts';

describe('input_audio_buffer.append built as text', () => {
  it('is the JSON of the SDK event, with the bytes of a view into a larger buffer', () => {
    const backing = Uint8Array.from({ length: 64 }, (_, i) => (i * 37) & 0xff);
    const frame = backing.subarray(5, 5 + 32);
    const expected: InputAudioBufferAppendEvent = { type: 'input_audio_buffer.append', audio: Buffer.from(frame).toString('base64') };

    const json = appendAudioJson(frame);

    expect(json).toBe(JSON.stringify(expected));
    const parsed = JSON.parse(json) as InputAudioBufferAppendEvent;
    expect(Buffer.from(parsed.audio, 'base64')).toEqual(Buffer.from(frame));
  });
});
