import { z } from 'zod';
import { err, ok, type Result } from '../../../core/result.ts';

/** The largest audio_chunk: 2 s of 48 kHz PCM16 as base64 (AURA sends 100 ms at 16 kHz). */
export const MAX_CHUNK_BYTES = 2 * 48_000 * 2;

const audioChunk = z.strictObject({
  type: z.literal('audio_chunk'),
  audio_data: z.base64().max(Math.ceil(MAX_CHUNK_BYTES / 3) * 4, 'audio_data holds at most 2 s of audio'),
  sample_rate: z.number().int().min(8000).max(48_000).default(16_000),
  timestamp: z.number().optional(),
  sequence_number: z.number().int().min(0).optional(),
  format: z.literal('pcm16').optional().describe('Little-endian signed 16-bit mono, the only format'),
});

const controlCommand = z.strictObject({
  type: z.literal('control_command'),
  command: z.enum(['start_session', 'pause_session', 'resume_session', 'end_session']),
});

const configUpdate = z.strictObject({
  type: z.literal('config_update'),
  config: z
    .strictObject({
      feedback_frequency: z.number().int().min(1).max(30).optional(),
      real_time_feedback: z.boolean().optional(),
      ai_coaching: z.boolean().optional(),
    })
    .refine((c) => Object.keys(c).length > 0, 'config_update needs at least one setting'),
});

const heartbeat = z.strictObject({ type: z.literal('heartbeat'), timestamp: z.number().optional() });
const requestSummary = z.strictObject({ type: z.literal('request_summary') });

export const clientMessage = z.discriminatedUnion('type', [audioChunk, controlCommand, configUpdate, heartbeat, requestSummary]);
export type ClientMessage = z.infer<typeof clientMessage>;

export interface MessageError {
  readonly code: 'invalid_json' | 'validation_failed' | 'unknown_message';
  readonly message: string;
}

const knownTypes = new Set(['audio_chunk', 'control_command', 'config_update', 'heartbeat', 'request_summary']);

/** Parses one text frame; an unknown `type` is its own error, so clients learn what they sent wrong. */
export function parseClientMessage(text: string): Result<ClientMessage, MessageError> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return err({ code: 'invalid_json', message: 'Messages are JSON objects' });
  }
  const type = typeof value === 'object' && value !== null && 'type' in value ? value.type : undefined;
  if (typeof type !== 'string' || !knownTypes.has(type)) {
    return err({ code: 'unknown_message', message: `Unknown message type ${JSON.stringify(type ?? null)}: send audio_chunk, control_command, config_update, heartbeat or request_summary` });
  }
  const parsed = clientMessage.safeParse(value);
  if (!parsed.success) return err({ code: 'validation_failed', message: parsed.error.issues.map((i) => `${i.path.join('.') || 'message'}: ${i.message}`).join('; ') });
  return ok(parsed.data);
}

/** PCM16 samples from base64; `null` for an odd byte count. */
export function pcm16FromBase64(data: string): Int16Array | null {
  const bytes = Buffer.from(data, 'base64');
  if (bytes.length % 2 !== 0) return null;
  const samples = new Int16Array(bytes.length / 2);
  for (let i = 0; i < samples.length; i += 1) samples[i] = bytes.readInt16LE(2 * i);
  return samples;
}
