import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeaders, fixtureWords, getJson, sleep, speech, startE2eServer, startSocketIoCall, stream, waitFor, type E2eServer } from './socket-io-kit.ts';

const reply = 'Great! What would you like to talk about?';

let server: E2eServer;
beforeAll(async () => {
  server = await startE2eServer({
    pacing: { speedFactor: 4 },
    script: { userSays: [fixtureWords], replies: [{ type: 'message', text: reply, audioMs: 1200 }] },
  });
});
afterAll(async () => {
  await server.close();
});

describe('a Socket.IO voice call end to end (fake OpenAI Realtime upstream)', () => {
  it('carries audio both ways, delivers both transcripts live, stores them, and returns them at end', async () => {
    const { baseUrl, fake } = server;
    const { callId, socket } = await startSocketIoCall(baseUrl, 'e2e-learner', { inputSampleRate: 24_000, outputSampleRate: 24_000 });
    try {
      const userTranscript = waitFor<{ text: string; final: boolean }>(socket, 'user-transcript', (p) => p.final);
      const firstAudio = waitFor<{ audio: string; sampleRate: number }>(socket, 'ai-audio-delta');
      const textDone = waitFor<{ text: string }>(socket, 'ai-text-done');
      const textDeltas: string[] = [];
      socket.on('ai-text-delta', (p: { delta: string }) => textDeltas.push(p.delta));

      await stream(socket, speech.samples, 4);
      await stream(socket, new Int16Array(24_000), 4);

      expect((await userTranscript).text).toBe(fixtureWords);
      const audio = await firstAudio;
      expect(audio.sampleRate).toBe(24_000);
      expect(Buffer.from(audio.audio, 'base64').byteLength).toBeGreaterThan(0);
      expect((await textDone).text).toBe(reply);
      expect(textDeltas.join('')).toBe(reply);

      const session = await fake.waitForSession();
      expect(session.audio.bytesReceived).toBeGreaterThanOrEqual(speech.samples.byteLength);

      // The caller hears the 1.2 s reply in real time; ending earlier would (rightly) store only what was heard.
      await sleep(1_500);
      const ended = waitFor<{ transcription: { role: string; text: string }[] }>(socket, 'call-ended');
      const end = await fetch(`${baseUrl}/api/calls/end/${callId}`, { method: 'POST', headers: await authHeaders(baseUrl) });
      const body = (await end.json()) as { message: string; transcription: { role: string; text: string; interrupted: boolean }[] };
      expect(body.transcription.some((t) => t.interrupted)).toBe(false);
      expect(body.message).toBe('Call ended');
      expect(body.transcription.map((t) => [t.role, t.text])).toEqual([
        ['user', fixtureWords],
        ['assistant', reply],
      ]);
      expect((await ended).transcription.map((t) => t.text)).toEqual([fixtureWords, reply]);
      expect(await getJson(`${baseUrl}/v1/calls/${callId}`)).toMatchObject({ status: 'ended', channel: 'socketio' });
    } finally {
      socket.disconnect();
    }
  });
});
