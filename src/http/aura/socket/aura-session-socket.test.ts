import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeWav } from '../../../audio/wav.ts';
import { newId } from '../../../core/ids.ts';
import { defaultSessionConfig } from '../../../services/aura/aura-sessions.ts';
import { insertAuraSession, saveSessionMeasurements } from '../../../store/queries/aura-sessions.ts';
import { ManualClock } from '../../../testing/runtime-fakes/index.ts';
import { createTestApiKey, createTestUser, startTestApplication, type TestApplication, type TestUser } from '../../../testing/test-application.ts';
import { openWebSocket, refusedUpgrade } from '../../../testing/websocket-test-kit.ts';

/** The speech fixture (8 kHz PCM16), made quiet: −50 dBFS or so, which the volume rule calls too quiet. */
const speech = decodeWav(readFileSync(new URL('../../../testing/fixtures/aura/speech.wav', import.meta.url)));
const quietOnce = Int16Array.from(speech.samples, (s) => Math.round(s * 0.02));
/** Twice over: 6 s, about 4 s of it speech. */
const quiet = new Int16Array(2 * quietOnce.length);
quiet.set(quietOnce);
quiet.set(quietOnce, quietOnce.length);

let app: TestApplication;
let base: string;
let member: TestUser;
let other: TestUser;
beforeAll(async () => {
  app = await startTestApplication();
  await app.http.listen({ host: '127.0.0.1', port: 0 });
  base = `ws://127.0.0.1:${String((app.http.server.address() as AddressInfo).port)}`;
  member = await createTestUser(app, { role: 'member' });
  other = await createTestUser(app, { role: 'member', tenant: member.tenant });
});
afterAll(async () => {
  await app.close();
});

interface Message {
  type: string;
  session_id: string;
  timestamp: string;
  data: Record<string, unknown>;
}

async function newSession(who: TestUser, body: object = {}): Promise<string> {
  return (await app.http.inject({ method: 'POST', url: '/api/v1/sessions', headers: who.headers, payload: body })).json<{ id: string }>().id;
}

/** A connected client that keeps every message. */
async function connect(sessionId: string, who: TestUser) {
  const messages: Message[] = [];
  const waiters: { type: string; resolve: (m: Message) => void }[] = [];
  const { ws, closed } = await openWebSocket(`${base}/ws/session/${sessionId}?access_token=${who.accessToken}`, {
    onFrame: (data) => {
      const message = JSON.parse(data.toString('utf8')) as Message;
      messages.push(message);
      for (const w of waiters.filter((x) => x.type === message.type)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(message);
      }
    },
  });
  return {
    ws,
    messages,
    closed,
    send: (message: object) => {
      ws.send(JSON.stringify(message));
    },
    /** The next message of `type` (or one already received, `after` messages in). */
    next: (type: string, after = 0) => {
      const seen = messages.slice(after).find((m) => m.type === type);
      return seen ? Promise.resolve(seen) : new Promise<Message>((resolve) => waiters.push({ type, resolve }));
    },
  };
}

/** Streams PCM16 as AURA does: 100 ms audio_chunk messages, base64. */
function stream(client: { send: (m: object) => void }, samples: Int16Array, rateHz: number): void {
  const step = rateHz / 10;
  for (let at = 0, n = 0; at < samples.length; at += step, n += 1) {
    const chunk = samples.subarray(at, Math.min(samples.length, at + step));
    client.send({ type: 'audio_chunk', audio_data: Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('base64'), sample_rate: rateHz, timestamp: Date.now(), sequence_number: n });
  }
}

describe('WS /ws/session/{id}', () => {
  it('refuses the upgrade without credentials (401), for another’s session (404), an API key (403), a closed session (409)', async () => {
    const id = await newSession(member);
    expect(await refusedUpgrade(`${base}/ws/session/${id}`)).toMatchObject({ status: 401, body: { code: 'unauthenticated' } });
    expect(await refusedUpgrade(`${base}/ws/session/${id}?access_token=${other.accessToken}`)).toMatchObject({ status: 404, body: { code: 'session_not_found' } });
    expect((await refusedUpgrade(`${base}/ws/session/not-a-uuid?access_token=${member.accessToken}`)).status).toBe(404);
    const key = await createTestApiKey(app, { tenantId: member.tenant.id, scopes: ['calls', 'read'] });
    expect((await refusedUpgrade(`${base}/ws/session/${id}`, key.headers)).status).toBe(403);
    await app.http.inject({ method: 'PUT', url: `/api/v1/sessions/${id}`, headers: member.headers, payload: { status: 'completed' } });
    expect(await refusedUpgrade(`${base}/ws/session/${id}`, member.headers)).toMatchObject({ status: 409, body: { code: 'session_not_active' } });
  });

  it('streams audio_chunk in and answers performance_metrics, realtime_feedback, milestone_achieved, coaching_result and the end', async () => {
    // Stored history: 9 min 57 s of speech already, so this session's speech passes 10 minutes (endurance).
    const earlier = await insertAuraSession(app.database.db, { id: newId(), tenantId: member.tenant.id, userId: member.user.id, title: null, description: null, sessionType: 'practice', language: 'en', config: defaultSessionConfig, tags: [], at: new Date(Date.now() - 86_400_000) });
    const past = { overall: 60, dimensions: { pace: 60, pauses: 60, intonation: 60, volume: 60, clarity: 60, fluency: null } };
    await saveSessionMeasurements(app.database.db, { tenantId: member.tenant.id, sessionId: earlier.id, state: { chunks: 1, analysedMs: 700_000, speechMs: 597_000 }, snapshot: { durationMs: 700_000, speechMs: 597_000, levelDbfs: -20, clippedRatio: 0, snrDb: 40, pitchMedianHz: 110, pitchVariabilitySt: 3, monotone: false, pauseCount: 50, longPauseCount: 0, meanPauseMs: 500, syllablesPerSecond: 4, wordsPerMinute: null, wordCount: null, fillerCount: null }, scores: past, at: new Date() });

    const id = await newSession(member, { language: 'en', config: { feedback_frequency: 6 } });
    const client = await connect(id, member);
    const init = await client.next('session_initialized');
    expect(init).toMatchObject({ session_id: id, data: { session: { id, status: 'active', config: { feedback_frequency: 6 } } } });
    expect(typeof init.data).toBe('object');

    client.send({ type: 'heartbeat' });
    expect((await client.next('heartbeat_response')).data).toMatchObject({ status: 'active' });

    stream(client, quiet, speech.sampleRateHz);
    const metrics = await client.next('performance_metrics');
    expect(metrics.data).toMatchObject({ at_ms: 6000, window: { voice_metrics: { duration_ms: 6000 } }, session: { total_chunks: 1 } });
    const feedback = await client.next('realtime_feedback');
    expect(feedback.data.feedback_items).toEqual(expect.arrayContaining([expect.objectContaining({ rule: 'too_quiet', severity: 'critical' })]));
    const milestone = await client.next('milestone_achieved');
    expect(milestone.data).toMatchObject({ milestone: { kind: 'endurance', key: 'endurance:10', session_id: id } });

    client.send({ type: 'request_summary' });
    const summary = await client.next('session_summary');
    expect(summary.data).toMatchObject({ feedback: { kind: 'coaching', source: 'rules', fallback_reason: 'model_not_configured' } });

    client.send({ type: 'control_command', command: 'end_session' });
    const ended = await client.next('session_ended');
    expect(ended.data).toMatchObject({ session: { status: 'completed' }, final_summary: { kind: 'report' } });
    expect(client.messages.some((m) => m.type === 'coaching_result' && (m.data.feedback as { kind: string }).kind === 'report')).toBe(true);
    expect(await client.closed).toBe(1000);
    // Every data payload is an object, never a JSON string.
    expect(client.messages.every((m) => typeof m.data === 'object')).toBe(true);

    const stored = (await app.http.inject({ url: `/api/v1/sessions/${id}`, headers: member.headers })).json<{ status: string; state: { total_chunks: number; audio_seconds: number } }>();
    expect(stored).toMatchObject({ status: 'completed', state: { total_chunks: 1, audio_seconds: 6 } });
    const realtime = (await app.http.inject({ url: `/api/v1/sessions/${id}/feedback?feedback_type=realtime`, headers: member.headers })).json<{ total: number }>();
    expect(realtime.total).toBe(1);
  });

  it('pauses, resumes and updates its config; reports bad messages without closing', async () => {
    const id = await newSession(member);
    const client = await connect(id, member);
    await client.next('session_initialized');
    client.send({ type: 'control_command', command: 'pause_session' });
    expect((await client.next('session_paused')).data).toMatchObject({ session: { status: 'paused' } });
    client.send({ type: 'audio_chunk', audio_data: Buffer.alloc(320).toString('base64'), sample_rate: 16000 });
    expect((await client.next('error')).data).toMatchObject({ code: 'session_paused', recoverable: true });
    client.send({ type: 'control_command', command: 'resume_session' });
    expect((await client.next('session_resumed')).data).toMatchObject({ session: { status: 'active' } });
    client.send({ type: 'config_update', config: { feedback_frequency: 10, real_time_feedback: false } });
    expect((await client.next('config_updated')).data).toMatchObject({ session: { config: { feedback_frequency: 10, real_time_feedback: false } } });

    const before = client.messages.length;
    client.send({ type: 'dance' });
    client.ws.send('not json');
    client.send({ type: 'audio_chunk', audio_data: 'AA==', sample_rate: 16000 });
    client.send({ type: 'audio_chunk', audio_data: Buffer.alloc(4).toString('base64'), sample_rate: 4000 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const errors = client.messages.slice(before).filter((m) => m.type === 'error').map((m) => m.data.code);
    expect(errors).toEqual(['unknown_message', 'invalid_json', 'invalid_audio', 'validation_failed']);
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
    client.ws.close();
    await client.closed;
  });
});

describe('WS /ws/session/{id} and max_duration', () => {
  it('stores what it analysed, marks the session expired and ends the connection when its time runs out', async () => {
    const clock = new ManualClock();
    const timed = await startTestApplication({ clock });
    try {
      await timed.http.listen({ host: '127.0.0.1', port: 0 });
      const url = `ws://127.0.0.1:${String((timed.http.server.address() as AddressInfo).port)}`;
      const user = await createTestUser(timed, { role: 'member' });
      const { id } = (await timed.http.inject({ method: 'POST', url: '/api/v1/sessions', headers: user.headers, payload: { config: { max_duration: 60 } } })).json<{ id: string }>();
      const messages: Message[] = [];
      const { ws, closed } = await openWebSocket(`${url}/ws/session/${id}?access_token=${user.accessToken}`, {
        onFrame: (data) => messages.push(JSON.parse(data.toString('utf8')) as Message),
      });
      const chunk = (samples: Int16Array) => {
        ws.send(JSON.stringify({ type: 'audio_chunk', audio_data: Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength).toString('base64'), sample_rate: 8000 }));
      };
      chunk(speech.samples.subarray(0, 8000));
      for (let i = 0; i < 100 && (await timed.http.inject({ url: `/api/v1/sessions/${id}`, headers: user.headers })).json<{ started_at: string | null }>().started_at === null; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      // In steps, letting the client answer the server's keepalive pings in between.
      for (let step = 0; step < 4; step += 1) {
        clock.advance(15_250);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      chunk(speech.samples.subarray(8000, 16000));
      expect(await closed).toBe(1000);
      expect(messages.map((m) => m.type)).toEqual(expect.arrayContaining(['session_initialized', 'performance_metrics', 'error', 'session_ended']));
      expect(messages.find((m) => m.type === 'error')?.data).toMatchObject({ code: 'session_expired', recoverable: false });
      expect(messages.find((m) => m.type === 'session_ended')?.data).toMatchObject({ session: { status: 'expired' } });
      const stored = (await timed.http.inject({ url: `/api/v1/sessions/${id}`, headers: user.headers })).json<{ status: string; state: { audio_seconds: number } }>();
      expect(stored).toMatchObject({ status: 'expired', state: { audio_seconds: 1 } });
    } finally {
      await timed.close();
    }
  });
});
