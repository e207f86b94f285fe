/**
 * Validation shared by every realtime wire protocol: the fields of a call start, a playback report
 * and an end request, and one way to turn zod issues into a message that names the problem.
 */
import { z } from 'zod';
import { isSupportedSampleRate, SUPPORTED_SAMPLE_RATES, type SupportedSampleRate } from '../../audio/format.ts';
import { err, ok, type Result } from '../../core/result.ts';
import type { WireError } from './wire.ts';

/** Sample rate used when the caller declares none (OpenAI Realtime's native rate). */
export const DEFAULT_SAMPLE_RATE_HZ: SupportedSampleRate = 24000;

/** Longest id (call or item) accepted from a client. */
const MAX_ID_LENGTH = 128;

/** A playback position beyond a day is garbage, not a long call. */
const MAX_PLAYED_MS = 86_400_000;

const sampleRate = z
  .int()
  .refine(isSupportedSampleRate, {
    error: (issue) => `must be one of ${SUPPORTED_SAMPLE_RATES.join(', ')} Hz, got ${String(issue.input)}`,
  });

const id = z.string().trim().min(1).max(MAX_ID_LENGTH);

/** Fields of a call start, common to `start-call` (Socket.IO) and `{ type: 'start' }` (WebSocket). */
export const startFields = {
  callId: id,
  inputSampleRate: sampleRate.default(DEFAULT_SAMPLE_RATE_HZ),
  outputSampleRate: sampleRate.default(DEFAULT_SAMPLE_RATE_HZ),
  /** Only PCM16 is spoken over these protocols; the field exists so a client can be explicit. */
  audioEncoding: z.literal('pcm16', { error: "audioEncoding must be 'pcm16'" }).optional(),
  playbackReports: z.boolean().default(false),
};

/** Fields of a playback report: how much of an assistant item the client has played. */
export const playbackFields = {
  itemId: id,
  playedMs: z.number().nonnegative().max(MAX_PLAYED_MS),
  generation: z.int().nonnegative().optional(),
};

/** Fields of an end request. */
export const endFields = {
  callId: id.optional(),
};

/** A validated call start. */
export interface StartRequest {
  readonly callId: string;
  readonly inputSampleRateHz: SupportedSampleRate;
  readonly outputSampleRateHz: SupportedSampleRate;
  /** The client will send playback reports; otherwise the runtime estimates playback from pacing. */
  readonly playbackReports: boolean;
}

/** A validated playback report; `generation` is null when the client did not echo one. */
export interface PlaybackReport {
  readonly itemId: string;
  readonly playedMs: number;
  readonly generation: number | null;
}

/** A validated end request; `callId` is null when the client did not name the call. */
export interface EndRequest {
  readonly callId: string | null;
}

export function toStartRequest(fields: {
  readonly callId: string;
  readonly inputSampleRate: SupportedSampleRate;
  readonly outputSampleRate: SupportedSampleRate;
  readonly playbackReports: boolean;
}): StartRequest {
  return {
    callId: fields.callId,
    inputSampleRateHz: fields.inputSampleRate,
    outputSampleRateHz: fields.outputSampleRate,
    playbackReports: fields.playbackReports,
  };
}

export function toPlaybackReport(fields: { readonly itemId: string; readonly playedMs: number; readonly generation?: number | undefined }): PlaybackReport {
  return { itemId: fields.itemId, playedMs: Math.round(fields.playedMs), generation: fields.generation ?? null };
}

/** `"inputSampleRate: must be one of …; callId: Invalid input: expected string, received number"`. */
export function formatIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => (issue.path.length === 0 ? issue.message : `${issue.path.map(String).join('.')}: ${issue.message}`))
    .join('; ');
}

/** Parses `value` with `schema`; a failure becomes a recoverable `validation_failed` naming `what` and the problem. */
export function parseMessage<T>(schema: z.ZodType<T>, value: unknown, what: string): Result<T, WireError> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return ok(parsed.data);
  return err({ code: 'validation_failed', message: `Invalid ${what}: ${formatIssues(parsed.error)}`, recoverable: true });
}
