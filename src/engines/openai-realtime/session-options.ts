import { z } from 'zod';
import { AppError } from '../../core/errors.ts';

/** The input transcription model when the agent does not name one. */
export const DEFAULT_TRANSCRIPTION_MODEL = 'gpt-4o-mini-transcribe';

const serverVadSchema = z.strictObject({
  type: z.literal('server_vad'),
  /** Speech probability threshold, 0–1 (API default 0.5). */
  threshold: z.number().min(0).max(1).optional(),
  prefixPaddingMs: z.number().int().min(0).max(5_000).optional(),
  silenceDurationMs: z.number().int().min(0).max(10_000).optional(),
  /** Prompts the caller after this much silence once the model's audio has played (server VAD only). */
  idleTimeoutMs: z.number().int().min(1_000).max(120_000).optional(),
  createResponse: z.boolean().optional(),
  interruptResponse: z.boolean().optional(),
});

const semanticVadSchema = z.strictObject({
  type: z.literal('semantic_vad'),
  eagerness: z.enum(['low', 'medium', 'high', 'auto']).optional(),
  createResponse: z.boolean().optional(),
  interruptResponse: z.boolean().optional(),
});

/**
 * Engine options an agent may set (`EngineSessionConfig.options`). Keys this engine does not know are
 * ignored, so an agent can carry options for other engines; known keys are validated strictly.
 */
const sessionOptionsSchema = z.object({
  turnDetection: z.discriminatedUnion('type', [serverVadSchema, semanticVadSchema]).optional(),
  transcriptionModel: z.string().trim().min(1).optional(),
  transcriptionPrompt: z.string().optional(),
  noiseReduction: z.enum(['near_field', 'far_field']).optional(),
  speed: z.number().min(0.25).max(1.5).optional(),
});

export type TurnDetectionOptions = z.infer<typeof serverVadSchema> | z.infer<typeof semanticVadSchema>;

export interface RealtimeSessionOptions {
  readonly turnDetection: TurnDetectionOptions;
  readonly transcriptionModel: string;
  readonly transcriptionPrompt: string | null;
  readonly noiseReduction: 'near_field' | 'far_field' | null;
  readonly speed: number | null;
}

/**
 * Validates the agent's engine options and fills the defaults (server VAD, `gpt-4o-mini-transcribe`,
 * no noise reduction). Throws `validation_failed` naming each bad field under `options.`.
 */
export function parseSessionOptions(raw: Readonly<Record<string, unknown>>): RealtimeSessionOptions {
  const parsed = sessionOptionsSchema.safeParse(raw);
  if (!parsed.success) {
    const details = parsed.error.issues.map((issue) => ({ path: ['options', ...issue.path.map(String)].join('.'), message: issue.message }));
    throw new AppError('validation_failed', 'Invalid OpenAI Realtime engine options', { details });
  }
  const options = parsed.data;
  return {
    turnDetection: options.turnDetection ?? { type: 'server_vad' },
    transcriptionModel: options.transcriptionModel ?? DEFAULT_TRANSCRIPTION_MODEL,
    transcriptionPrompt: options.transcriptionPrompt ?? null,
    noiseReduction: options.noiseReduction ?? null,
    speed: options.speed ?? null,
  };
}

/** Whether the server cancels a running response by itself when the caller starts speaking. */
export function serverInterruptsOnSpeech(options: RealtimeSessionOptions): boolean {
  return options.turnDetection.interruptResponse !== false;
}
