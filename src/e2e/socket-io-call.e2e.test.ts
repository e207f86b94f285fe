import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeWav } from '../audio/wav.ts';
import { FAKE_OPENAI_API_KEY, startFakeOpenAIRealtime, type FakeRealtimeServer } from '../testing/fake-openai-realtime/index.ts';
import { startTestApplication, type TestApplication } from '../testing/test-application.ts';
import { stream, waitFor } from './socket-io-kit.ts';

/** A real speech recording (espeak-ng, see scripts/make-speech-fixture.sh), PCM16 mono 24 kHz. */
const speech = decodeWav(readFileSync(new URL('../testing/fixtures/hello-24k.wav', import.meta.url)));
const userSays = 'Hello, I would like to practice my English today.';
const reply = 'Great! What would you like to talk about?';

let fake: FakeRealtimeServer;
let app: TestApplication;
let baseUrl: string;

beforeAll(async () => {
  fake = await startFakeOpenAIRealtime({
    pacing: { speedFactor: 4 },
    script: { userSays: [userSays], replies: [{ type: 'message', text: reply, audioMs: 1200 }] },
  });
  app = await startTestApplication({ env: { OPENAI_API_KEY: FAKE_OPENAI_API_KEY, OPENAI_BASE_URL: fake.baseUrl } });
  await app.http.listen({ host: '127.0.0.1', port: 0 });
  baseUrl = `http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await app.close();
  await fake.close();
});

describe('a Socket.IO voice call end to end (fake OpenAI Realtime upstream)', () => {
  it('carries audio both ways, delivers both transcripts live, stores them, and returns them at end', async () => {
    const start = await fetch(`${baseUrl}/api/calls/start`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'e2e-learner' }),
    });
    const { callId } = (await start.json()) as { callId: string };
    const socket = io(baseUrl, { transports: ['websocket'] });
    try {
      const started = waitFor<{ callId: string }>(socket, 'call-started');
      socket.emit('start-call', { callId, inputSampleRate: 24_000, outputSampleRate: 24_000 });
      expect((await started).callId).toBe(callId);

      const userTranscript = waitFor<{ text: string; final: boolean }>(socket, 'user-transcript', (p) => p.final);
      const firstAudio = waitFor<{ audio: string; sampleRate: number }>(socket, 'ai-audio-delta');
      const textDone = waitFor<{ text: string }>(socket, 'ai-text-done');
      const textDeltas: string[] = [];
      socket.on('ai-text-delta', (p: { delta: string }) => textDeltas.push(p.delta));

      await stream(socket, speech.samples, 4);
      await stream(socket, new Int16Array(24_000), 4);

      expect((await userTranscript).text).toBe(userSays);
      const audio = await firstAudio;
      expect(audio.sampleRate).toBe(24_000);
      expect(Buffer.from(audio.audio, 'base64').byteLength).toBeGreaterThan(0);
      expect((await textDone).text).toBe(reply);
      expect(textDeltas.join('')).toBe(reply);

      const session = await fake.waitForSession();
      expect(session.audio.bytesReceived).toBeGreaterThanOrEqual(speech.samples.byteLength);

      // The caller hears the 1.2 s reply in real time; ending earlier would (rightly) store only what was heard.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const ended = waitFor<{ transcription: { role: string; text: string }[] }>(socket, 'call-ended');
      const end = await fetch(`${baseUrl}/api/calls/end/${callId}`, { method: 'POST' });
      const body = (await end.json()) as { message: string; transcription: { role: string; text: string; interrupted: boolean }[] };
      expect(body.transcription.some((t) => t.interrupted)).toBe(false);
      expect(body.message).toBe('Call ended');
      expect(body.transcription.map((t) => [t.role, t.text])).toEqual([
        ['user', userSays],
        ['assistant', reply],
      ]);
      expect((await ended).transcription.map((t) => t.text)).toEqual([userSays, reply]);
      const record = await (await fetch(`${baseUrl}/v1/calls/${callId}`)).json();
      expect(record).toMatchObject({ status: 'ended', channel: 'socketio' });
    } finally {
      socket.disconnect();
    }
  });
});
