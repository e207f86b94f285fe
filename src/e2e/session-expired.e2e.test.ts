import { performance } from 'node:perf_hooks';
import { asc, eq } from 'drizzle-orm';
import type { RealtimeClientEvent } from 'openai/resources/realtime/realtime';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callEvents } from '../store/schema/call-events.ts';
import type { FakeRealtimeSession } from '../testing/fake-openai-realtime/index.ts';
import { authHeaders, fixtureWords, getJson, recordEvents, sleep, speech, startE2eServer, startSocketIoCall, stream, waitFor, type E2eServer } from './socket-io-kit.ts';

/** The bound: after `session_expired` the conversation continues within 2 s. */
const continuationBoundMs = 2_000;
const replyAudioMs = 600;
const secondWords = 'I went to the market with my sister.';
const firstReply = 'Hello! What did you do today?';
const secondReply = 'That sounds lovely. What did you buy there?';
const wholeConversation: [string, string][] = [
  ['user', fixtureWords],
  ['assistant', firstReply],
  ['user', secondWords],
  ['assistant', secondReply],
];

const scriptedReplies = [firstReply, secondReply].map((text) => ({ type: 'message' as const, text, audioMs: replyAudioMs }));

interface TranscriptItem {
  readonly seq: number;
  readonly role: string;
  readonly text: string;
  readonly interrupted: boolean;
}

let server: E2eServer;
beforeAll(async () => {
  server = await startE2eServer({ pacing: { speedFactor: Number.POSITIVE_INFINITY } });
});
afterAll(async () => {
  await server.close();
});

/** The validated client events one upstream session received, in order. */
function clientEventsOf(session: FakeRealtimeSession): RealtimeClientEvent[] {
  return session.clientEvents.flatMap((record) => (record.event === null ? [] : [record.event]));
}

/** `[role, text]` of every `conversation.item.create` message the engine sent to re-seed a session. */
function seededTurns(session: FakeRealtimeSession): [string, string][] {
  return clientEventsOf(session).flatMap((event) => {
    if (event.type !== 'conversation.item.create' || event.item.type !== 'message') return [];
    const text = event.item.content.map((part) => ('text' in part ? (part.text ?? '') : '')).join('');
    return [[event.item.role, text] as [string, string]];
  });
}

function instructionsOf(session: FakeRealtimeSession): string | undefined {
  for (const event of clientEventsOf(session)) {
    if (event.type === 'session.update' && event.session.type === 'realtime') return event.session.instructions;
  }
  return undefined;
}

/** The engine reconnect events stored in the call's event log, in order. */
async function reconnectEvents(callId: string): Promise<{ type: string; data: Record<string, unknown> }[]> {
  const rows = await server.app.database.db
    .select({ type: callEvents.type, data: callEvents.data })
    .from(callEvents)
    .where(eq(callEvents.callId, callId))
    .orderBy(asc(callEvents.id));
  return rows.filter((row) => row.type.startsWith('engine_reconnect'));
}

/** Speaks the fixture, waits for the scripted first reply and lets the caller hear all of it. Returns its item. */
async function firstExchange(socket: Socket): Promise<string> {
  const done = waitFor<{ itemId: string; text: string }>(socket, 'ai-text-done');
  await stream(socket, speech.samples, 8);
  await stream(socket, new Int16Array(24_000), 8);
  const first = await done;
  expect(first.text).toBe(firstReply);
  // Without playback reports the server estimates playback in real time from when the audio was sent.
  await sleep(replyAudioMs + 200);
  return first.itemId;
}

/** The reply after the expiry: its first audio (timed from `expiredAtMs`) and its final text. */
function nextReply(socket: Socket, previousItemId: string): { audio: Promise<number>; done: Promise<{ text: string }> } {
  const audio = waitFor<{ itemId: string }>(socket, 'ai-audio-delta', (p) => p.itemId !== previousItemId, 20_000).then(() => performance.now());
  const done = waitFor<{ itemId: string; text: string }>(socket, 'ai-text-done', (p) => p.itemId !== previousItemId, 20_000);
  return { audio, done };
}

/** Lets the second reply play out, ends the call over Aero's REST route, and checks every transcript the server keeps or returns. */
async function endAndCheckTranscripts(socket: Socket, callId: string): Promise<void> {
  const { baseUrl } = server;
  await sleep(replyAudioMs + 200);
  const ended = waitFor<{ status: string; transcription: { role: string; text: string }[] }>(socket, 'call-ended');
  const end = await fetch(`${baseUrl}/api/calls/end/${callId}`, { method: 'POST', headers: await authHeaders(baseUrl) });
  const returned = ((await end.json()) as { transcription: { role: string; text: string }[] }).transcription;
  expect(returned.map((t) => [t.role, t.text])).toEqual(wholeConversation);
  const { items } = await getJson<{ items: TranscriptItem[] }>(`${baseUrl}/v1/calls/${callId}/transcript`);
  expect(items.map((t) => [t.role, t.text])).toEqual(wholeConversation);
  expect(items.some((t) => t.interrupted)).toBe(false);
  // No gap and no duplicate is the equality above; `seq` orders the turns. It need not be contiguous:
  // a turn is numbered when it starts, and the expired session's speech_started for a sentence the
  // new session hears again numbers a turn that never gets text (see docs/testing.md).
  const seqs = items.map((t) => t.seq);
  expect(seqs).toEqual([...new Set(seqs)].sort((a, b) => a - b));
  const endedEvent = await ended;
  expect(endedEvent.status).toBe('ended');
  expect(endedEvent.transcription.map((t) => [t.role, t.text])).toEqual(wholeConversation);
}

describe('the upstream session expires mid-call (session_expired, then close)', () => {
  it('reconnects with the instructions and the conversation so far; the next utterance is answered within 2 s; the transcript is whole', async () => {
    const { baseUrl, fake } = server;
    fake.script({ userSays: [fixtureWords, secondWords], replies: scriptedReplies });
    const sessionsBefore = fake.sessions.length;
    const { callId, socket } = await startSocketIoCall(baseUrl, 'expiry-learner');
    const events = recordEvents(socket, ['error', 'ai-text-done', 'user-transcript']);
    try {
      const firstItemId = await firstExchange(socket);
      const first = await fake.waitForSession(sessionsBefore + 1);
      const reply = nextReply(socket, firstItemId);
      const expiredAtMs = performance.now();
      fake.expireSession(first.id);
      // The caller goes on talking at once: the utterance starts during the reconnect.
      await stream(socket, speech.samples, 8);
      await stream(socket, new Int16Array(24_000), 8);
      expect((await reply.audio) - expiredAtMs).toBeLessThan(continuationBoundMs);
      expect((await reply.done).text).toBe(secondReply);

      const second = await fake.waitForSession(sessionsBefore + 2);
      expect(first.closed).toBe(true);
      expect(instructionsOf(second)).toBeTruthy();
      expect(instructionsOf(second)).toBe(instructionsOf(first));
      expect(seededTurns(second)).toEqual(wholeConversation.slice(0, 2));
      // The seed comes before any caller audio of the new session, so the model has the context first.
      const secondTypes = clientEventsOf(second).map((event) => event.type);
      expect(secondTypes.indexOf('conversation.item.create')).toBeLessThan(secondTypes.indexOf('input_audio_buffer.append'));

      await endAndCheckTranscripts(socket, callId);
      // The call's event log records the reconnect and the upstream gap it measured.
      const logged = await reconnectEvents(callId);
      expect(logged.map((e) => e.type)).toEqual(['engine_reconnecting', 'engine_reconnected']);
      expect(logged[0]?.data).toEqual({ reason: 'session_expired' });
      expect(logged[1]?.data['gapMs']).toBeLessThan(continuationBoundMs);
      // The expiry is invisible to the caller: no error, and every final text exactly once.
      expect(events.of('error')).toEqual([]);
      expect(events.of<{ text: string }>('ai-text-done').map((p) => p.text)).toEqual([firstReply, secondReply]);
      expect(events.of<{ text: string; final: boolean }>('user-transcript').filter((p) => p.final).map((p) => p.text)).toEqual([fixtureWords, secondWords]);
    } finally {
      socket.disconnect();
    }
  }, 60_000);

  it('while the caller is mid-sentence: the sentence is heard whole by the new session, answered within 2 s, and stored once', async () => {
    const { baseUrl, fake } = server;
    fake.script({ userSays: [fixtureWords, secondWords], replies: scriptedReplies });
    const sessionsBefore = fake.sessions.length;
    const { callId, socket } = await startSocketIoCall(baseUrl, 'expiry-mid-sentence');
    const events = recordEvents(socket, ['error', 'ai-text-done', 'user-transcript']);
    try {
      const firstItemId = await firstExchange(socket);
      const first = await fake.waitForSession(sessionsBefore + 1);
      const half = Math.floor(speech.samples.length / 2);
      const speaking = fake.waitForServerEvent('input_audio_buffer.speech_started', { sessionId: first.id, timeoutMs: 10_000 });
      await stream(socket, speech.samples.subarray(0, half), 8);
      await speaking;
      const reply = nextReply(socket, firstItemId);
      const expiredAtMs = performance.now();
      fake.expireSession(first.id);
      await stream(socket, speech.samples.subarray(half), 8);
      await stream(socket, new Int16Array(24_000), 8);
      expect((await reply.audio) - expiredAtMs).toBeLessThan(continuationBoundMs);
      expect((await reply.done).text).toBe(secondReply);

      const second = await fake.waitForSession(sessionsBefore + 2);
      expect(seededTurns(second)).toEqual(wholeConversation.slice(0, 2));
      // The new session received the whole sentence (its first half replayed), not just the part after the expiry.
      // (The second half and the trailing silence alone are about 3 s; the sentence is 4 s.)
      expect(second.audio.msReceived).toBeGreaterThanOrEqual(speech.samples.length / 24);

      await endAndCheckTranscripts(socket, callId);
      expect(events.of('error')).toEqual([]);
      expect(events.of<{ text: string; final: boolean }>('user-transcript').filter((p) => p.final).map((p) => p.text)).toEqual([fixtureWords, secondWords]);
    } finally {
      socket.disconnect();
    }
  }, 60_000);
});
