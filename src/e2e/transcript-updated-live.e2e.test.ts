import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventTypeHeader, signatureHeader } from '../services/webhooks/signature.ts';
import { verifyWebhookSignature } from '../services/webhooks/verify.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../testing/webhook-receiver.ts';
import { authHeaders, fixtureWords, sleep, speech, startE2eServer, startSocketIoCall, stream, waitFor, type E2eServer } from './socket-io-kit.ts';

const reply = 'Great! What would you like to talk about?';

let server: E2eServer;
let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
  server = await startE2eServer({
    pacing: { speedFactor: 4 },
    script: { userSays: [fixtureWords], replies: [{ type: 'message', text: reply, audioMs: 1200 }] },
  });
});
afterAll(async () => {
  await server.close();
  await receiver.close();
});

interface TranscriptEvent {
  readonly callId: string;
  readonly data: { final: boolean; turn?: { seq: number; role: string; text: string }; transcript?: { role: string; text: string }[] };
}

describe('transcript.updated during a live Socket.IO call', () => {
  it('reaches a subscribed receiver once per stored turn while the call runs, then with the final transcript', async () => {
    const { baseUrl } = server;
    const headers = { ...(await authHeaders(baseUrl)), 'content-type': 'application/json' };
    const created = await fetch(`${baseUrl}/v1/webhooks`, { method: 'POST', headers, body: JSON.stringify({ url: receiver.url, events: ['transcript.updated'] }) });
    expect(created.status).toBe(201);
    const { secret } = (await created.json()) as { secret: string };

    const { callId, socket } = await startSocketIoCall(baseUrl, 'e2e-transcripts', { inputSampleRate: 24_000, outputSampleRate: 24_000 });
    try {
      const textDone = waitFor<{ text: string }>(socket, 'ai-text-done');
      await stream(socket, speech.samples, 4);
      await stream(socket, new Int16Array(24_000), 4);
      await textDone;
      await sleep(1_500);
      // Both turns are stored and their events delivered before the call ends.
      await receiver.waitFor(2);
      const live = receiver.received.map((r) => JSON.parse(r.rawBody) as TranscriptEvent);
      expect(live.every((e) => e.callId === callId && !e.data.final)).toBe(true);
      expect(live.map((e) => [e.data.turn?.role, e.data.turn?.text]).sort()).toEqual([
        ['assistant', reply],
        ['user', fixtureWords],
      ]);

      await fetch(`${baseUrl}/api/calls/end/${callId}`, { method: 'POST', headers: await authHeaders(baseUrl) });
      await receiver.waitFor(3);
      const final = JSON.parse(receiver.received[2]?.rawBody ?? '{}') as TranscriptEvent;
      expect(final.data.final).toBe(true);
      expect(final.data.transcript?.map((t) => t.text)).toEqual([fixtureWords, reply]);
      for (const r of receiver.received) {
        expect(r.headers[eventTypeHeader]).toBe('transcript.updated');
        expect(verifyWebhookSignature(r.rawBody, r.headers[signatureHeader], secret).ok).toBe(true);
      }
    } finally {
      socket.disconnect();
    }
  });
});
