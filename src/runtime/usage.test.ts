import { describe, expect, it } from 'vitest';
import { PCM16_24K, startTestCall, toneChunk } from '../testing/runtime-fakes/index.ts';
import { emptyUsage, reduceUsage, roundUsage } from './usage.ts';

describe('call usage', () => {
  it('sums engine usage and audio milliseconds', () => {
    let totals = emptyUsage;
    totals = reduceUsage(totals, { type: 'engine_usage', usage: { inputTokens: 10, outputTokens: 20, inputAudioTokens: 3, outputAudioTokens: 4 } });
    totals = reduceUsage(totals, { type: 'engine_usage', usage: { inputTokens: 1, outputTokens: 2, inputAudioTokens: 3, outputAudioTokens: 4 } });
    totals = reduceUsage(totals, { type: 'input_audio', ms: 0.125 });
    totals = reduceUsage(totals, { type: 'input_audio', ms: 20.5 });
    totals = reduceUsage(totals, { type: 'output_audio', ms: 100 });

    expect(roundUsage(totals)).toEqual({
      inputTokens: 11,
      outputTokens: 22,
      inputAudioTokens: 6,
      outputAudioTokens: 8,
      inputAudioMs: 21,
      outputAudioMs: 100,
    });
  });

  it('records what the engine reported and the audio both ways on the call', async () => {
    const call = await startTestCall();
    const engine = call.engineSession;
    call.transport.sendCallerAudio(toneChunk(PCM16_24K, 500));
    engine.responseStarted('resp-1');
    engine.assistantAudio('assistant-1', 700);
    engine.responseDone('resp-1', 'completed', { inputTokens: 100, outputTokens: 50, inputAudioTokens: 40, outputAudioTokens: 30 });
    engine.responseStarted('resp-2');
    engine.assistantAudio('assistant-2', 300);
    engine.responseDone('resp-2', 'completed', { inputTokens: 10, outputTokens: 5, inputAudioTokens: 4, outputAudioTokens: 3 });
    await call.idle();

    expect(call.sink.metrics.at(-1)?.usage).toEqual({
      inputTokens: 110,
      outputTokens: 55,
      inputAudioTokens: 44,
      outputAudioTokens: 33,
      inputAudioMs: 500,
      outputAudioMs: 1000,
    });
    await call.session.end('api_request');
    expect(call.sink.finishes[0]?.usage.outputAudioMs).toBe(1000);
  });
});
