import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeWav } from '../audio/wav.ts';
import { FAKE_OPENAI_API_KEY, startFakeOpenAIRealtime, type FakeRealtimeServer } from '../testing/fake-openai-realtime/index.ts';
import { startTestApplication, type TestApplication } from '../testing/test-application.ts';
import { stream, waitFor } from './socket-io-kit.ts';

const speech = decodeWav(readFileSync(new URL('../testing/fixtures/hello-24k.wav', import.meta.url)));
const userSays = 'Hello, I would like to practice my English today.';
const reply = 'Sure.';

let fake: FakeRealtimeServer;
let app: TestApplication;
let baseUrl: string;

beforeAll(async () => {
  fake = await startFakeOpenAIRealtime({
    pacing: { speedFactor: Number.POSITIVE_INFINITY },
    script: { userSays: [userSays], replies: [{ type: 'message', text: reply, audioMs: 200 }] },
  });
  app = await startTestApplication({ env: { OPENAI_API_KEY: FAKE_OPENAI_API_KEY, OPENAI_BASE_URL: fake.baseUrl } });
  await app.http.listen({ host: '127.0.0.1', port: 0 });
  baseUrl = `http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await app.close();
  await fake.close();
});

describe('the upstream goes away for good mid-call', () => {
  it('tells the caller, ends the call as failed, and keeps the transcript so far', async () => {
    const start = await fetch(`${baseUrl}/api/calls/start`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'gone' }) });
    const { callId } = (await start.json()) as { callId: string };
    const socket = io(baseUrl, { transports: ['websocket'] });
    try {
      const started = waitFor(socket, 'call-started');
      socket.emit('start-call', { callId });
      await started;
      const textDone = waitFor<{ text: string }>(socket, 'ai-text-done');
      await stream(socket, speech.samples, 8);
      await stream(socket, new Int16Array(24_000), 8);
      expect((await textDone).text).toBe(reply);
      // Let the 200 ms reply play out so the stored turn is whole.
      await new Promise((resolve) => setTimeout(resolve, 400));

      const error = waitFor<{ code: string; recoverable: boolean }>(socket, 'error', (e) => !e.recoverable, 20_000);
      const ended = waitFor<{ status: string; transcription: { text: string }[] }>(socket, 'call-ended', () => true, 20_000);
      fake.setRefuseConnections('http-503');
      fake.dropAll();
      expect((await error).recoverable).toBe(false);
      const end = await ended;
      expect(end.status).toBe('failed');
      expect(end.transcription.map((t) => t.text)).toEqual([userSays, reply]);

      const call = await (await fetch(`${baseUrl}/v1/calls/${callId}`)).json();
      expect(call).toMatchObject({ status: 'failed' });
      const transcript = (await (await fetch(`${baseUrl}/v1/calls/${callId}/transcript`)).json()) as { items: { text: string }[] };
      expect(transcript.items.map((t) => t.text)).toEqual([userSays, reply]);
    } finally {
      socket.disconnect();
    }
  }, 40_000);
});
