/**
 * `recording.transcribe`: re-transcribes a finished recording, one request per channel (caller = left,
 * agent = right, each sent as a mono WAV so every word is attributed to its speaker), and stores the
 * word-timed transcripts on the recording. Queued when a recording of an agent with
 * `recording.transcribe` finishes. A silent channel is not sent. Re-running overwrites the transcript.
 */
import { readFile, stat } from 'node:fs/promises';
import { z } from 'zod';
import { encodeWav, decodeWav } from '../../audio/wav.ts';
import { peak } from '../../audio/levels.ts';
import { recordingAbsolutePath } from '../../services/recordings/recording-files.ts';
import type { Transcriber } from '../../services/recordings/transcriber.ts';
import { getRecording, saveRecordingTranscript } from '../../store/queries/recordings.ts';
import type { RecordingChannelTranscript } from '../../store/schema/recordings.ts';
import type { Executor } from '../../store/database.ts';
import { defineJobHandler, JobFailure, type JobHandler } from '../handler.ts';
import { enqueue } from '../queue.ts';

export const RECORDING_TRANSCRIPTION_JOB = 'recording.transcribe';

/** The transcription API takes files up to 25 MB; each channel is sent alone. */
export const MAX_CHANNEL_UPLOAD_BYTES = 25 * 1024 * 1024;
/** A channel whose loudest sample is below this (about −50 dBFS) holds no speech: not sent. */
const SILENCE_PEAK = 100;
const CHANNELS = ['caller', 'agent'] as const;

export interface RecordingTranscriptionDeps {
  readonly root: string;
  /** Null when `OPENAI_API_KEY` is not set: the job fails saying so. */
  readonly transcriber: Transcriber | null;
}

export function recordingTranscriptionHandler(deps: RecordingTranscriptionDeps): JobHandler {
  return defineJobHandler({
    kind: RECORDING_TRANSCRIPTION_JOB,
    payload: z.object({ recordingId: z.uuid() }),
    timeoutMs: 10 * 60_000,
    backoff: { baseMs: 30_000, capMs: 30 * 60_000 },
    async run(ctx) {
      const { transcriber } = deps;
      if (transcriber === null) throw new JobFailure('OPENAI_API_KEY is not set: recordings cannot be re-transcribed');
      const recording = await getRecording(ctx.db, { tenantId: ctx.job.tenantId, recordingId: ctx.payload.recordingId });
      if (!recording) throw new JobFailure('the recording no longer exists');
      if (recording.status !== 'ready') return { status: 'skipped', reason: `the recording is ${recording.status}` };
      const path = recordingAbsolutePath(deps.root, recording.path);
      const size = (await stat(path)).size;
      const perChannel = (size - 44) / recording.channels + 44;
      if (perChannel > MAX_CHANNEL_UPLOAD_BYTES) {
        const minutes = Math.round((recording.durationMs ?? 0) / 60_000);
        return { status: 'skipped', reason: `a ${minutes}-minute recording exceeds the 25 MB per request of the transcription API` };
      }
      const wav = decodeWav(new Uint8Array(await readFile(path)));
      const channels: RecordingChannelTranscript[] = [];
      for (const [index, channel] of CHANNELS.entries()) {
        const mono = channelOf(wav.samples, wav.channels, index);
        if (peak(mono) < SILENCE_PEAK) continue;
        const result = await transcriber.transcribe(encodeWav({ sampleRateHz: wav.sampleRateHz, channels: 1, samples: mono }), `${channel}.wav`, ctx.signal);
        channels.push({ channel, ...result });
      }
      return ctx.commit(async (tx) => {
        await saveRecordingTranscript(tx, { tenantId: recording.tenantId, recordingId: recording.id, transcript: { model: transcriber.model, channels }, at: new Date(ctx.clock.nowMs()) });
        return { status: 'succeeded', result: { channels: channels.map((c) => c.channel), words: channels.reduce((n, c) => n + c.words.length, 0) } };
      });
    },
  });
}

function channelOf(interleaved: Int16Array, channels: number, index: number): Int16Array {
  const out = new Int16Array(Math.floor(interleaved.length / channels));
  for (let i = 0; i < out.length; i++) out[i] = interleaved[i * channels + index] ?? 0;
  return out;
}

/** Queues the re-transcription of a recording, in the transaction that marks it ready (one job per recording). */
export async function enqueueRecordingTranscription(
  tx: Executor,
  params: { readonly tenantId: string; readonly callId: string; readonly recordingId: string; readonly at: Date },
): Promise<void> {
  await enqueue(tx, {
    tenantId: params.tenantId,
    callId: params.callId,
    kind: RECORDING_TRANSCRIPTION_JOB,
    payload: { recordingId: params.recordingId },
    idempotencyKey: `${RECORDING_TRANSCRIPTION_JOB}:${params.recordingId}`,
    maxAttempts: 5,
    at: params.at,
  });
}
