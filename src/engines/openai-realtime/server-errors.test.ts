import { afterEach, describe, expect, it } from 'vitest';
import type { EngineSession } from '../../runtime/ports.ts';
import { FAKE_OPENAI_API_KEY, startFakeOpenAIRealtime, type FakeRealtimeServer, type FakeServerEvent } from '../../testing/fake-openai-realtime/index.ts';
import { createOpenAIRealtimeEngine } from './engine.ts';
import { capturingLogger, EventRecorder, sessionConfig, waitUntil } from '../../testing/openai-realtime-test-harness.ts';

let fake: FakeRealtimeServer | undefined;
let session: EngineSession | undefined;

afterEach(async () => {
  await session?.close();
  await fake?.close();
});

describe('non-fatal server errors and unknown events', () => {
  it('reports errors as recoverable, skips expected races, and logs unknown event types at debug', async () => {
    fake = await startFakeOpenAIRealtime();
    const engine = createOpenAIRealtimeEngine({ apiKey: FAKE_OPENAI_API_KEY, baseUrl: fake.baseUrl, model: 'gpt-realtime-2' });
    const { logger, lines } = capturingLogger();
    session = await engine.open(sessionConfig({ logger }), new AbortController().signal);
    const recorder = new EventRecorder(session);
    const upstream = await fake.waitForSession();

    const error = (code: string, message: string): FakeServerEvent => ({
      type: 'error',
      event_id: `event_${code}`,
      error: { type: 'invalid_request_error', code, message, param: null, event_id: null },
    });
    upstream.sendServerEvent(error('response_cancel_not_active', 'Cancellation failed: no active response found'));
    upstream.sendServerEvent(error('rate_limit_exceeded', 'Slow down.'));
    // A beta-era event name, as a misconfigured proxy might send: not GA, so unknown.
    upstream.sendServerEvent({ type: 'response.audio.delta', event_id: 'event_beta' } as unknown as FakeServerEvent);

    const reported = await recorder.next('error');
    expect(reported.recoverable).toBe(true);
    expect(reported.error).toMatchObject({ code: 'rate_limited', message: 'OpenAI Realtime error: Slow down.' });
    await waitUntil(() => lines.some((line) => line['eventType'] === 'response.audio.delta'));
    expect(recorder.all('error')).toHaveLength(1);
    expect(lines.find((line) => line['eventType'] === 'response.audio.delta')).toMatchObject({ level: 20, msg: 'unknown Realtime server event', engine: 'openai-realtime' });
    expect(lines.find((line) => line['code'] === 'rate_limit_exceeded')).toMatchObject({ level: 40, msg: 'OpenAI Realtime error' });
    expect(recorder.all('reconnecting')).toEqual([]);
  });
});
