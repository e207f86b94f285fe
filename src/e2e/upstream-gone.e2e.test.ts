import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureWords, getJson, sleep, speech, startE2eServer, startSocketIoCall, stream, waitFor, type E2eServer } from './socket-io-kit.ts';

const reply = 'Sure.';

let server: E2eServer;
beforeAll(async () => {
  server = await startE2eServer({
    pacing: { speedFactor: Number.POSITIVE_INFINITY },
    script: { userSays: [fixtureWords], replies: [{ type: 'message', text: reply, audioMs: 200 }] },
  });
});
afterAll(async () => {
  await server.close();
});

describe('the upstream goes away for good mid-call', () => {
  it('tells the caller, ends the call as failed, and keeps the transcript so far', async () => {
    const { baseUrl, fake } = server;
    const { callId, socket } = await startSocketIoCall(baseUrl, 'gone');
    try {
      const textDone = waitFor<{ text: string }>(socket, 'ai-text-done');
      await stream(socket, speech.samples, 8);
      await stream(socket, new Int16Array(24_000), 8);
      expect((await textDone).text).toBe(reply);
      // Let the 200 ms reply play out so the stored turn is whole.
      await sleep(400);

      const error = waitFor<{ code: string; recoverable: boolean }>(socket, 'error', (e) => !e.recoverable, 20_000);
      const ended = waitFor<{ status: string; transcription: { text: string }[] }>(socket, 'call-ended', () => true, 20_000);
      fake.setRefuseConnections('http-503');
      fake.dropAll();
      expect((await error).recoverable).toBe(false);
      const end = await ended;
      expect(end.status).toBe('failed');
      expect(end.transcription.map((t) => t.text)).toEqual([fixtureWords, reply]);

      expect(await getJson(`${baseUrl}/v1/calls/${callId}`)).toMatchObject({ status: 'failed' });
      const transcript = await getJson<{ items: { text: string }[] }>(`${baseUrl}/v1/calls/${callId}/transcript`);
      expect(transcript.items.map((t) => t.text)).toEqual([fixtureWords, reply]);
    } finally {
      socket.disconnect();
    }
  }, 40_000);
});
