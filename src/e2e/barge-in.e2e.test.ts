import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeWav } from '../audio/wav.ts';
import { FAKE_OPENAI_API_KEY, startFakeOpenAIRealtime, type FakeRealtimeServer } from '../testing/fake-openai-realtime/index.ts';
import { startTestApplication, type TestApplication } from '../testing/test-application.ts';
import { stream, waitFor } from './socket-io-kit.ts';

const speech = decodeWav(readFileSync(new URL('../testing/fixtures/hello-24k.wav', import.meta.url)));
const longReply = 'One two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty.';

let fake: FakeRealtimeServer;
let app: TestApplication;
let baseUrl: string;

beforeAll(async () => {
  fake = await startFakeOpenAIRealtime({
    pacing: { speedFactor: Number.POSITIVE_INFINITY },
    script: { userSays: ['Count to twenty.', 'Stop.'], replies: [{ type: 'message', text: longReply, audioMs: 8000 }, { type: 'message', text: 'Okay.', audioMs: 300 }] },
  });
  app = await startTestApplication({ env: { OPENAI_API_KEY: FAKE_OPENAI_API_KEY, OPENAI_BASE_URL: fake.baseUrl } });
  await app.http.listen({ host: '127.0.0.1', port: 0 });
  baseUrl = `http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await app.close();
  await fake.close();
});

describe('barge-in over Socket.IO with playback reports', () => {
  it('truncates upstream at what the client played, clears the client, and stores only the words heard', async () => {
    const start = await fetch(`${baseUrl}/api/calls/start`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'barger' }) });
    const { callId } = (await start.json()) as { callId: string };
    const socket = io(baseUrl, { transports: ['websocket'] });
    try {
      const started = waitFor(socket, 'call-started');
      socket.emit('start-call', { callId, playbackReports: true });
      await started;
      const firstAudio = waitFor<{ itemId: string; generation: number }>(socket, 'ai-audio-delta');
      await stream(socket, speech.samples, 8);
      await stream(socket, new Int16Array(24_000), 8);
      const { itemId, generation } = await firstAudio;
      await new Promise((resolve) => setTimeout(resolve, 300));

      const playedMs = 2_000;
      socket.emit('playback-position', { itemId, playedMs, generation });
      await new Promise((resolve) => setTimeout(resolve, 100));
      const interrupted = waitFor<{ itemId: string; heardMs: number }>(socket, 'ai-interrupted');
      await stream(socket, speech.samples.subarray(0, 24_000), 8);
      const cut = await interrupted;
      expect(cut.itemId).toBe(itemId);
      expect(Math.abs(cut.heardMs - playedMs)).toBeLessThanOrEqual(60);

      const session = await fake.waitForSession();
      const truncate = session.truncations.find((t) => t.accepted);
      expect(truncate).toBeDefined();
      expect(Number.isInteger(truncate!.audioEndMs)).toBe(true);
      expect(Math.abs(truncate!.audioEndMs - playedMs)).toBeLessThanOrEqual(60);

      await stream(socket, new Int16Array(24_000), 8);
      await new Promise((resolve) => setTimeout(resolve, 500));
      const transcript = (await (await fetch(`${baseUrl}/v1/calls/${callId}/transcript`)).json()) as {
        items: { role: string; text: string; interrupted: boolean }[];
      };
      const assistant = transcript.items.find((t) => t.role === 'assistant' && t.interrupted);
      expect(assistant).toBeDefined();
      expect(longReply.startsWith(assistant!.text)).toBe(true);
      const words = assistant!.text.split(/\s+/).filter(Boolean).length;
      // 2 s of an 8 s reply of 20 words: about a quarter of them, cut at a word boundary.
      expect(words).toBeGreaterThanOrEqual(3);
      expect(words).toBeLessThanOrEqual(7);
    } finally {
      socket.disconnect();
    }
  }, 40_000);
});
