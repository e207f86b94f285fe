import { eq } from 'drizzle-orm';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenAiTranscriber } from '../../services/recordings/transcriber.ts';
import type { DatabaseHandle } from '../../store/database.ts';
import { getRecordingOfCall } from '../../store/queries/recordings.ts';
import { jobs, type JobRow } from '../../store/schema/jobs.ts';
import { startFakeOpenAiTranscription, type FakeOpenAiTranscription } from '../../testing/fake-openai-transcription/index.ts';
import { ManualClock, reloadJob, testPool } from '../../testing/job-fixtures.ts';
import { createRecordedCall, recordCallFixture } from '../../testing/recording-fixtures.ts';
import { seedTenant } from '../../testing/store-fixtures.ts';
import { openTestDatabase } from '../../testing/test-database.ts';
import { enqueueRecordingTranscription, recordingTranscriptionHandler } from './transcription-handler.ts';

let handle: DatabaseHandle;
let root: string;
let fake: FakeOpenAiTranscription;
beforeAll(async () => {
  handle = await openTestDatabase();
  root = await mkdtemp(join(tmpdir(), 'switchboard-transcribe-'));
  fake = await startFakeOpenAiTranscription();
});
afterAll(async () => {
  await handle.close();
  await fake.close();
  await rm(root, { recursive: true, force: true });
});

/** A finished 4 s recording of an agent that asks for transcription; returns the job it queued. */
async function transcribedRecording(clock: ManualClock, transcribe = true): Promise<{ tenantId: string; callId: string; job: JobRow | undefined }> {
  const { tenant, agent } = await seedTenant(handle.db, 'transcribe');
  const call = await createRecordedCall(handle.db, clock, { tenantId: tenant.id, agent, userId: null, recording: { transcribe } });
  await recordCallFixture(handle.db, clock, { root, call, seconds: 4, onReady: enqueueRecordingTranscription });
  const queued = await handle.db.select().from(jobs).where(eq(jobs.callId, call.id));
  return { tenantId: tenant.id, callId: call.id, job: queued.find((job) => job.kind === 'recording.transcribe') };
}

function transcriber(apiKey = fake.apiKey): OpenAiTranscriber {
  return new OpenAiTranscriber({ apiKey, baseUrl: fake.baseUrl, model: 'whisper-1' });
}

describe('re-transcription of a recording', () => {
  it('sends each channel as a mono WAV for word timestamps and stores the word-timed transcript per speaker', async () => {
    const clock = new ManualClock();
    const { tenantId, callId, job } = await transcribedRecording(clock);
    expect(job).toMatchObject({ status: 'queued', idempotencyKey: expect.stringMatching(/^recording\.transcribe:/) as unknown });
    const before = fake.requests.length;
    const pool = testPool(handle.db, clock, [recordingTranscriptionHandler({ root, transcriber: transcriber() })]);
    expect(await pool.drain()).toBe(1);

    expect(await reloadJob(handle.db, job ?? { tenantId, id: '' })).toMatchObject({ status: 'succeeded', result: { channels: ['caller', 'agent'], words: 2 } });
    const sent = fake.requests.slice(before);
    expect(sent.map((r) => [r.fileName, r.channels, r.model, r.responseFormat, r.timestampGranularities])).toEqual([
      ['caller.wav', 1, 'whisper-1', 'verbose_json', ['word']],
      ['agent.wav', 1, 'whisper-1', 'verbose_json', ['word']],
    ]);
    const recording = await getRecordingOfCall(handle.db, { tenantId, callId });
    const [caller, agent] = recording?.transcript?.channels ?? [];
    expect(recording?.transcript?.model).toBe('whisper-1');
    // The caller spoke the whole call; the agent from 1 s to 2 s: the words carry those times.
    expect(caller).toMatchObject({ channel: 'caller', text: 'word1', language: 'english' });
    expect(caller?.words[0]?.startS).toBeLessThanOrEqual(0.04);
    expect(caller?.words[0]?.endS).toBeGreaterThanOrEqual(3.96);
    expect(agent).toMatchObject({ channel: 'agent', text: 'word1' });
    expect(Math.abs((agent?.words[0]?.startS ?? 0) - 1)).toBeLessThanOrEqual(0.04);
    expect(Math.abs((agent?.words[0]?.endS ?? 0) - 2)).toBeLessThanOrEqual(0.04);
  });

  it('is queued only for agents that ask for it', async () => {
    const { job } = await transcribedRecording(new ManualClock(), false);
    expect(job).toBeUndefined();
  });

  it('retries when the service is unavailable and fails at once when it refuses the request', async () => {
    const clock = new ManualClock();
    const { tenantId, job } = await transcribedRecording(clock);
    const pool = testPool(handle.db, clock, [recordingTranscriptionHandler({ root, transcriber: transcriber() })]);
    fake.failNext(503);
    expect(await pool.drain()).toBe(1);
    expect(await reloadJob(handle.db, job ?? { tenantId, id: '' })).toMatchObject({ status: 'queued', attempts: 1, lastError: expect.stringContaining('HTTP 503') as unknown });

    const second = await transcribedRecording(clock);
    fake.failNext(400); // the first job waits for its backoff: only the second runs now
    expect(await pool.drain()).toBe(1);
    expect(await reloadJob(handle.db, second.job ?? { tenantId, id: '' })).toMatchObject({ status: 'failed', lastError: expect.stringContaining('HTTP 400') as unknown });
  });

  it('fails saying so when no OpenAI key is configured', async () => {
    const clock = new ManualClock();
    const { tenantId, job } = await transcribedRecording(clock);
    const pool = testPool(handle.db, clock, [recordingTranscriptionHandler({ root, transcriber: null })]);
    await pool.drain();
    expect(await reloadJob(handle.db, job ?? { tenantId, id: '' })).toMatchObject({ status: 'failed', lastError: expect.stringContaining('OPENAI_API_KEY is not set') as unknown });
  });
});
