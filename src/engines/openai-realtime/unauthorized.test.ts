import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../core/errors.ts';
import { startFakeOpenAIRealtime, type FakeRealtimeServer } from '../../testing/fake-openai-realtime/index.ts';
import { createOpenAIRealtimeEngine } from './engine.ts';
import { sessionConfig } from '../../testing/openai-realtime-test-harness.ts';

let fake: FakeRealtimeServer | undefined;

afterEach(async () => {
  await fake?.close();
});

describe('a rejected API key', () => {
  it('makes open() reject with engine_not_configured naming the HTTP status, without retrying', async () => {
    fake = await startFakeOpenAIRealtime();
    const engine = createOpenAIRealtimeEngine({ apiKey: 'sk-wrong-key', baseUrl: fake.baseUrl, model: 'gpt-realtime-2' });
    const opening = engine.open(sessionConfig(), new AbortController().signal);
    await expect(opening).rejects.toBeInstanceOf(AppError);
    await expect(opening).rejects.toMatchObject({ code: 'engine_not_configured', message: expect.stringMatching(/API key \(HTTP 401\)/) as unknown });
    expect(fake.rejectedUpgrades.map((rejection) => rejection.status)).toEqual([401]);
  });
});
