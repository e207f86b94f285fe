import type { FastifyInstance } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../core/errors.ts';
import type { ChunkAnalysis } from '../../services/aura/aura-coaching.ts';
import { checkUpload, decodeUpload, MAX_UPLOAD_BYTES, toAnalysisRate, type UploadInfo } from '../../services/aura/audio-upload.ts';
import { feedOf } from '../../services/aura/measurements.ts';
import { principalOf } from '../authentication.ts';
import { feedbackItemSchema, scoresSchema, toFeedbackItem, toScores, toVoiceMetrics, voiceMetricsSchema } from './coaching-schemas.ts';
import type { AuraHttpDeps } from './deps.ts';
import { auraErrorSchema, auraSessionErrors } from './schemas.ts';
import { sessionIdParams } from './session-schemas.ts';

const calls = { auth: { scope: 'calls', user: true } } as const;
/** A REST chunk holds at most this much audio (longer audio: upload it, or stream it over the WebSocket). */
const MAX_CHUNK_S = 30;
const MAX_CHUNK_SAMPLES = MAX_CHUNK_S * 48_000;

export const analyzeChunkBody = z
  .strictObject({
    audio_array: z.array(z.number().min(-1).max(1)).min(1).max(MAX_CHUNK_SAMPLES).optional().describe('Samples in [-1, 1] (AURA’s float array)'),
    audio_data: z.base64().min(4).optional().describe('Or base64 PCM16 little-endian mono'),
    sample_rate: z.number().int().min(8000).max(48_000).default(16_000),
    duration: z.number().positive().optional().describe('Seconds; checked against the samples when sent'),
    transcript: z.string().trim().max(20_000).optional().describe('What was said: words per minute and filler words come from it'),
  })
  .refine((b) => (b.audio_array === undefined) !== (b.audio_data === undefined), { message: 'send audio_array or audio_data (one of them)', path: ['audio_array'] });

const analysisSchema = z
  .object({
    session_id: z.uuid(),
    chunk_number: z.number().int(),
    analysis: z.object({ voice_metrics: voiceMetricsSchema, scores: scoresSchema }),
    session_scores: scoresSchema,
    realtime_feedback: z.array(feedbackItemSchema),
    processed_at: z.iso.datetime(),
    processing_time_ms: z.number(),
  })
  .describe('AuraAnalysis');

const uploadSchema = analysisSchema
  .extend({ file: z.object({ filename: z.string().nullable(), format: z.enum(['wav', 'mp3', 'm4a', 'ogg']), size_bytes: z.number().int(), duration_seconds: z.number(), source_sample_rate: z.number().int(), channels: z.number().int() }) })
  .describe('AuraUpload');

function toAnalysis(result: ChunkAnalysis, startedMs: number, nowMs: number): z.infer<typeof analysisSchema> {
  return {
    session_id: result.session.id,
    chunk_number: result.analysis.seq,
    analysis: { voice_metrics: toVoiceMetrics(result.analysis.snapshot), scores: toScores(result.analysis.scores) },
    session_scores: toScores(result.sessionScores),
    realtime_feedback: result.items.map(toFeedbackItem),
    processed_at: new Date(nowMs).toISOString(),
    processing_time_ms: Math.max(0, nowMs - startedMs),
  };
}

function pcmOfChunk(body: z.infer<typeof analyzeChunkBody>): Int16Array {
  let samples: Int16Array;
  if (body.audio_array !== undefined) {
    samples = Int16Array.from(body.audio_array, (v) => Math.max(-32768, Math.min(32767, Math.round(v * 32768))));
  } else {
    const bytes = Buffer.from(body.audio_data ?? '', 'base64');
    if (bytes.length % 2 !== 0) throw new AppError('invalid_audio', 'audio_data must be whole PCM16 samples (an even number of bytes)');
    if (bytes.length / 2 > MAX_CHUNK_SAMPLES) throw new AppError('payload_too_large', `A chunk holds at most ${String(MAX_CHUNK_S)} s of audio`);
    samples = new Int16Array(bytes.length / 2);
    for (let i = 0; i < samples.length; i += 1) samples[i] = bytes.readInt16LE(2 * i);
  }
  const seconds = samples.length / body.sample_rate;
  if (seconds > MAX_CHUNK_S) throw new AppError('payload_too_large', `A chunk holds at most ${String(MAX_CHUNK_S)} s of audio`);
  if (body.duration !== undefined && Math.abs(body.duration - seconds) > 0.05 + 0.01 * seconds) {
    throw new AppError('invalid_audio', `duration says ${String(body.duration)} s but the samples hold ${seconds.toFixed(3)} s at ${String(body.sample_rate)} Hz`);
  }
  return samples;
}

/** Multipart (field `file`) or a raw audio body: the upload's bytes, name and transcript. */
async function uploadOf(contentType: string, body: unknown): Promise<{ bytes: Uint8Array; filename: string | null; transcript: string | undefined }> {
  if (!Buffer.isBuffer(body)) throw new AppError('bad_request', 'Send the audio as multipart/form-data (field "file") or as a raw audio/* body');
  if (!contentType.startsWith('multipart/form-data')) return { bytes: body, filename: null, transcript: undefined };
  let form: FormData;
  try {
    // Node's own multipart parser (undici). Deprecated for servers because it buffers the whole body;
    // here the body is already in memory and capped by the route's bodyLimit, so nothing more is held.
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    form = await new Response(body, { headers: { 'content-type': contentType } }).formData();
  } catch (error) {
    throw new AppError('bad_request', 'The multipart body could not be read', { cause: error });
  }
  const file = form.get('file');
  if (file === null || typeof file === 'string') throw new AppError('validation_failed', 'Send the audio in a form field named "file"', { details: [{ path: 'body.file', message: 'Required (a file)' }] });
  const transcript = form.get('transcript');
  return { bytes: new Uint8Array(await file.arrayBuffer()), filename: file.name || null, transcript: typeof transcript === 'string' ? transcript.slice(0, 20_000) : undefined };
}

/** Upload bodies arrive as bytes, for this context's routes only. */
function acceptAudioBodies(app: FastifyInstance): void {
  const asBuffer = (_request: unknown, body: Buffer, done: (error: Error | null, body?: unknown) => void) => {
    done(null, body);
  };
  app.addContentTypeParser(['multipart/form-data', 'application/octet-stream'], { parseAs: 'buffer' }, asBuffer);
  app.addContentTypeParser(/^audio\//, { parseAs: 'buffer' }, asBuffer);
}

/** `/api/v1/sessions/:id/audio/*`: file upload and chunk analysis (docs/aura.md). */
export const auraAudioRoutes: FastifyPluginAsyncZod<{ aura: AuraHttpDeps }> = (app, { aura }) => {
  acceptAudioBodies(app);

  app.post(
    '/sessions/:id/audio/upload',
    {
      config: calls,
      // The file may be 10 MB; the multipart envelope around it a little more.
      bodyLimit: MAX_UPLOAD_BYTES + 256 * 1024,
      schema: {
        tags: ['aura'],
        summary: 'Upload a recording (WAV, MP3, M4A or OGG, up to 10 MB) and analyse it',
        description: 'multipart/form-data with the file in `file` (and optionally `transcript`), or the raw file with an audio/* content type.',
        params: sessionIdParams,
        response: { 200: uploadSchema, 413: auraErrorSchema, 415: auraErrorSchema, ...auraSessionErrors },
      },
    },
    async (request) => {
      const started = aura.clock.nowMs();
      const principal = principalOf(request);
      // The session first: a stranger learns nothing about the file, and a closed session decodes nothing.
      await aura.coaching.openSession(principal, request.params.id);
      const { bytes, filename, transcript } = await uploadOf(request.headers['content-type'] ?? '', request.body);
      checkUpload(bytes);
      let info: UploadInfo | undefined;
      const feed = async (push: (samples: Int16Array) => void) => {
        info = await decodeUpload(bytes, push);
      };
      const result = await aura.coaching.analyse(principal, request.params.id, { feed, source: 'upload', transcript });
      if (info === undefined) throw new Error('the upload was analysed without being decoded');
      return {
        ...toAnalysis(result, started, aura.clock.nowMs()),
        file: { filename, format: info.format, size_bytes: bytes.length, duration_seconds: result.analysis.durationMs / 1000, source_sample_rate: info.sourceRateHz, channels: info.channels },
      };
    },
  );

  app.post(
    '/sessions/:id/audio/analyze',
    {
      config: calls,
      // 30 s of 48 kHz floats as JSON text.
      bodyLimit: 16 * 1024 * 1024,
      schema: {
        tags: ['aura'],
        summary: 'Analyse a chunk of audio (up to 30 s)',
        description: 'Stores the chunk’s measurements with the session and answers them with rule-based feedback.',
        params: sessionIdParams,
        body: analyzeChunkBody,
        response: { 200: analysisSchema, 413: auraErrorSchema, ...auraSessionErrors },
      },
    },
    async (request) => {
      const started = aura.clock.nowMs();
      const samples = toAnalysisRate(pcmOfChunk(request.body), request.body.sample_rate);
      const { transcript } = request.body;
      const result = await aura.coaching.analyse(principalOf(request), request.params.id, { feed: feedOf(samples), source: 'chunk', transcript });
      return toAnalysis(result, started, aura.clock.nowMs());
    },
  );

  return Promise.resolve();
};
