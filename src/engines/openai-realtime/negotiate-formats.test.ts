import { describe, expect, it } from 'vitest';
import type { AudioFormat } from '../../audio/format.ts';
import { createOpenAIRealtimeEngine } from './engine.ts';

const engine = createOpenAIRealtimeEngine({ apiKey: 'sk-test', baseUrl: 'http://127.0.0.1:1/v1', model: 'gpt-realtime-2' });
const mulaw: AudioFormat = { encoding: 'mulaw', sampleRateHz: 8_000 };
const alaw: AudioFormat = { encoding: 'alaw', sampleRateHz: 8_000 };
const pcm24k: AudioFormat = { encoding: 'pcm16', sampleRateHz: 24_000 };

describe('format negotiation', () => {
  it('passes μ-law 8 kHz through both ways (audio/pcmu, no transcoding)', () => {
    expect(engine.negotiateFormats({ input: mulaw, output: mulaw })).toEqual({ input: mulaw, output: mulaw });
  });

  it('passes A-law 8 kHz through (audio/pcma)', () => {
    expect(engine.negotiateFormats({ input: alaw, output: alaw })).toEqual({ input: alaw, output: alaw });
  });

  it('uses 24 kHz PCM16 for every other caller format, per direction', () => {
    const pcm16k: AudioFormat = { encoding: 'pcm16', sampleRateHz: 16_000 };
    const pcm48k: AudioFormat = { encoding: 'pcm16', sampleRateHz: 48_000 };
    expect(engine.negotiateFormats({ input: pcm16k, output: pcm48k })).toEqual({ input: pcm24k, output: pcm24k });
    expect(engine.negotiateFormats({ input: mulaw, output: pcm48k })).toEqual({ input: mulaw, output: pcm24k });
    expect(engine.negotiateFormats({ input: { encoding: 'mulaw', sampleRateHz: 16_000 }, output: pcm24k })).toEqual({ input: pcm24k, output: pcm24k });
  });

  it('declares its capabilities and name', () => {
    expect(engine.name).toBe('openai-realtime');
    expect(engine.capabilities).toEqual({ serverVad: true, truncation: true, inputTranscription: true, midCallInstructions: true });
  });
});
