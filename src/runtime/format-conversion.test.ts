import { describe, expect, it } from 'vitest';
import { MULAW_8K, PCM16_24K, startTestCall, toneChunk } from '../testing/runtime-fakes/index.ts';

describe('audio format conversion between transport and engine', () => {
  it('passes μ-law straight through when both ends speak it', async () => {
    const call = await startTestCall({ transport: { inputFormat: MULAW_8K } });
    const chunk = toneChunk(MULAW_8K, 20);
    call.transport.sendCallerAudio(chunk);
    const reply = toneChunk(MULAW_8K, 20);
    call.engineSession.assistantAudio('assistant-1', 20, reply);

    expect(call.session.audioPlan).toEqual({
      engineInput: MULAW_8K,
      engineOutput: MULAW_8K,
      convertsInput: false,
      convertsOutput: false,
    });
    expect(call.engine.openConfigs[0]).toMatchObject({ inputFormat: MULAW_8K, outputFormat: MULAW_8K });
    // The very same chunks: no copy, no conversion.
    expect(call.engineSession.audio[0]).toBe(chunk);
    expect(call.transport.sentAudio[0]?.chunk).toBe(reply);
  });

  it('converts both ways when a μ-law caller talks to a 24 kHz PCM engine', async () => {
    const call = await startTestCall({
      transport: { inputFormat: MULAW_8K },
      engine: { formats: { input: PCM16_24K, output: PCM16_24K } },
    });
    for (let i = 0; i < 10; i++) call.transport.sendCallerAudio(toneChunk(MULAW_8K, 20));
    call.engineSession.assistantAudio('assistant-1', 200, toneChunk(PCM16_24K, 200));
    call.engineSession.responseDone('resp-1');

    expect(call.session.audioPlan).toMatchObject({ convertsInput: true, convertsOutput: true });
    expect(call.engineSession.audio.every((c) => c.format === PCM16_24K)).toBe(true);
    // 200 ms in, about 200 ms out (the resampler holds back a few samples of the input).
    expect(call.engineSession.receivedAudioMs).toBeGreaterThan(190);
    expect(call.engineSession.receivedAudioMs).toBeLessThanOrEqual(200);
    expect(call.transport.sentAudio.every((s) => s.chunk.format === MULAW_8K)).toBe(true);
    // The resampler's tail is flushed to the item when the response is done: all of it reaches the caller
    // (plus the filter's few milliseconds of ring-out).
    expect(call.transport.sentMs('assistant-1')).toBeGreaterThanOrEqual(200);
    expect(call.transport.sentMs('assistant-1')).toBeLessThan(210);
  });

  it('converts only the direction whose formats differ', async () => {
    const call = await startTestCall({
      transport: { inputFormat: MULAW_8K, outputFormat: PCM16_24K },
      engine: { formats: { input: MULAW_8K, output: PCM16_24K } },
    });

    expect(call.session.audioPlan).toMatchObject({ convertsInput: false, convertsOutput: false });
  });
});
