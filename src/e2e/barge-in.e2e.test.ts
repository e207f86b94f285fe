import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, sleep, speech, startE2eServer, startSocketIoCall, stream, waitFor, type E2eServer } from './socket-io-kit.ts';

const longReply = 'One two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty.';

let server: E2eServer;
beforeAll(async () => {
  server = await startE2eServer({
    pacing: { speedFactor: Number.POSITIVE_INFINITY },
    script: { userSays: ['Count to twenty.', 'Stop.'], replies: [{ type: 'message', text: longReply, audioMs: 8000 }, { type: 'message', text: 'Okay.', audioMs: 300 }] },
  });
});
afterAll(async () => {
  await server.close();
});

describe('barge-in over Socket.IO with playback reports', () => {
  it('truncates upstream at what the client played, clears the client, and stores only the words heard', async () => {
    const { baseUrl, fake } = server;
    const { callId, socket } = await startSocketIoCall(baseUrl, 'barger', { playbackReports: true });
    try {
      const audio = waitFor<{ itemId: string; generation: number }>(socket, 'ai-audio-delta');
      await stream(socket, speech.samples, 8);
      await stream(socket, new Int16Array(24_000), 8);
      const { itemId, generation } = await audio;
      await sleep(300);

      const playedMs = 2_000;
      socket.emit('playback-position', { itemId, playedMs, generation });
      await sleep(100);
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
      await sleep(500);
      const transcript = await getJson<{ items: { role: string; text: string; interrupted: boolean }[] }>(`${baseUrl}/v1/calls/${callId}/transcript`);
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
