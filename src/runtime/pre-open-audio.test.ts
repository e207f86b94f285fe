import { describe, expect, it } from 'vitest';
import { PCM16_24K, startTestCall, toneChunk } from '../testing/runtime-fakes/index.ts';

describe('caller audio that arrives while the engine connects', () => {
  it('is buffered and delivered in order once the session opens', async () => {
    const call = await startTestCall({ engine: { holdOpen: true }, start: false });
    const started = call.session.start();
    const early = [1, 2, 3].map((i) => toneChunk(PCM16_24K, 100, { frequencyHz: 200 * i }));
    for (const chunk of early) call.transport.sendCallerAudio(chunk);
    expect(call.engine.sessions).toEqual([]);

    call.engine.releaseOpen();
    await started;
    const later = toneChunk(PCM16_24K, 100);
    call.transport.sendCallerAudio(later);

    expect(call.engineSession.audio).toEqual([...early, later]);
    expect(call.session.status).toBe('active');
  });

  it('keeps at most the configured amount, dropping the oldest audio', async () => {
    const call = await startTestCall({ engine: { holdOpen: true }, start: false, options: { preOpenBufferMs: 2000 } });
    const started = call.session.start();
    const chunks = Array.from({ length: 30 }, () => toneChunk(PCM16_24K, 100));
    for (const chunk of chunks) call.transport.sendCallerAudio(chunk);

    call.engine.releaseOpen();
    await started;

    expect(call.engineSession.receivedAudioMs).toBe(2000);
    expect(call.engineSession.audio).toEqual(chunks.slice(10));
  });

  it('counts buffered audio in the call usage', async () => {
    const call = await startTestCall({ engine: { holdOpen: true }, start: false });
    const started = call.session.start();
    call.transport.sendCallerAudio(toneChunk(PCM16_24K, 300));
    call.engine.releaseOpen();
    await started;
    await call.session.end('api_request');

    expect(call.sink.finishes[0]?.usage.inputAudioMs).toBe(300);
  });
});
