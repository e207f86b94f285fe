import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, getJson, recordEvents, speech, startE2eServer, startSocketIoCall, stream, waitFor, type E2eServer } from './socket-io-kit.ts';

const reply = 'One two three four five six seven eight nine ten eleven twelve.';
const replyAudioMs = 6_000;

interface TextDone {
  readonly itemId: string;
  readonly text: string;
  readonly interrupted: boolean;
}

let server: E2eServer;
beforeAll(async () => {
  server = await startE2eServer({
    // The real API generates faster than real time; so does the fake here (the reply is generated at once).
    pacing: { speedFactor: Number.POSITIVE_INFINITY },
    script: { userSays: ['Count for me.', 'Stop.'], replies: [{ type: 'message', text: reply, audioMs: replyAudioMs }, { type: 'message', text: 'Okay.', audioMs: 300 }] },
  });
});
afterAll(async () => {
  await server.close();
});

/**
 * When `ai-text-done` is sent, with playback reports on. It follows the engine (the end of generation),
 * not the client's playback: the server never waits for a report to send it. If the caller then barges
 * in, a second `ai-text-done` for the same item, `interrupted: true`, carries the text cut to what was
 * heard, and replaces the first in the stored transcript. See docs/testing.md.
 */
describe('ai-text-done timing with playback reports', () => {
  it('comes when the reply is generated, before it has played; a later barge-in sends a second, cut one', async () => {
    const { baseUrl } = server;
    const { callId, socket } = await startSocketIoCall(baseUrl, 'text-done-timing', { playbackReports: true });
    const events = recordEvents(socket, ['ai-audio-delta', 'ai-text-done']);
    try {
      const firstDone = waitFor<TextDone>(socket, 'ai-text-done');
      await stream(socket, speech.samples, 8);
      await stream(socket, new Int16Array(24_000), 8);
      // No playback report has been sent: the client has played nothing, and the text is final anyway.
      const done = await firstDone;
      expect(done).toMatchObject({ text: reply, interrupted: false });
      const audioMs = events.of<{ itemId: string; audio: string }>('ai-audio-delta').reduce((ms, p) => ms + Buffer.from(p.audio, 'base64').byteLength / 48, 0);
      expect(audioMs).toBeGreaterThanOrEqual(replyAudioMs - 1);

      // The caller has heard 1.5 s of the 6 s reply when it barges in.
      socket.emit('playback-position', { itemId: done.itemId, playedMs: 1_500, generation: 0 });
      const interrupted = waitFor<{ itemId: string }>(socket, 'ai-interrupted');
      const cut = waitFor<TextDone>(socket, 'ai-text-done', (p) => p.interrupted);
      await stream(socket, speech.samples.subarray(0, 24_000), 8);
      expect((await interrupted).itemId).toBe(done.itemId);
      const second = await cut;
      expect(second.itemId).toBe(done.itemId);
      expect(reply.startsWith(second.text)).toBe(true);
      expect(second.text.length).toBeLessThan(reply.length);
      expect(events.of<TextDone>('ai-text-done').filter((p) => p.itemId === done.itemId)).toEqual([done, second]);

      // The cut text replaces the stored turn (written just after the event, so polled).
      const storedAssistant = async () =>
        (await getJson<{ items: { role: string; text: string; interrupted: boolean }[] }>(`${baseUrl}/v1/calls/${callId}/transcript`)).items.filter((t) => t.role === 'assistant');
      await eventually(async () => (await storedAssistant()).some((t) => t.interrupted));
      expect(await storedAssistant()).toEqual([expect.objectContaining({ text: second.text, interrupted: true })]);
    } finally {
      socket.disconnect();
    }
  }, 40_000);
});
