import { z } from 'zod';
import { coachingLanguages } from '../../coaching/types.ts';
import { auraSessionStatus, auraSessionType, type AuraSessionConfig, type AuraSessionRow } from '../../store/schema/aura-sessions.ts';
import type { SessionChanges } from '../../services/aura/aura-sessions.ts';
import { scoresSchema, toScores } from './coaching-schemas.ts';

export const sessionIdParams = z.strictObject({ id: z.uuid() });

const sessionType = z.enum(auraSessionType.enumValues);
const language = z.enum(coachingLanguages);

/** AURA's `SessionConfig` as its clients send it (snake_case); every field optional. */
export const sessionConfigInput = z
  .strictObject({
    session_type: sessionType.optional(),
    language: language.optional(),
    max_duration: z.number().int().min(60).max(7200).optional().describe('Seconds; the session expires this long after it starts (default 1800)'),
    feedback_frequency: z.number().int().min(1).max(30).optional().describe('Seconds of audio between two live feedback messages (default 5)'),
    real_time_feedback: z.boolean().optional(),
    ai_coaching: z.boolean().optional().describe('Let the chat model write coaching (the rules do otherwise)'),
    detailed_analysis: z.boolean().optional(),
    store_audio: z.literal(false, { error: 'Audio is never stored: only its measurements are' }).optional(),
    share_analytics: z.boolean().optional(),
  })
  .describe('AuraSessionConfigInput');

const title = z.string().trim().min(1).max(200);
const description = z.string().trim().max(1000);
const tags = z.array(z.string().trim().min(1).max(50)).max(20);

export const createSessionBody = z.strictObject({
  user_id: z.uuid().optional().describe('Defaults to you; admins may name a user of their tenant'),
  title: title.optional(),
  description: description.optional(),
  session_type: sessionType.optional(),
  language: language.optional(),
  config: sessionConfigInput.optional(),
  tags: tags.optional(),
});

export const updateSessionBody = z.strictObject({
  title: title.nullable().optional(),
  description: description.nullable().optional(),
  session_type: sessionType.optional(),
  language: language.optional(),
  status: z.enum(auraSessionStatus.enumValues).exclude(['expired']).optional().describe('active ⇄ paused; completed (the report and milestones follow), cancelled, error'),
  config: sessionConfigInput.optional(),
  tags: tags.optional(),
});

export const listSessionsQuery = z.strictObject({
  user_id: z.uuid().optional(),
  status: z.enum(auraSessionStatus.enumValues).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).default(0),
});

type ConfigInput = z.infer<typeof sessionConfigInput>;

export function configOf(input: ConfigInput | undefined): Partial<AuraSessionConfig> {
  if (input === undefined) return {};
  const out: { -readonly [K in keyof AuraSessionConfig]?: AuraSessionConfig[K] } = {};
  if (input.max_duration !== undefined) out.maxDurationS = input.max_duration;
  if (input.feedback_frequency !== undefined) out.feedbackFrequencyS = input.feedback_frequency;
  if (input.real_time_feedback !== undefined) out.realTimeFeedback = input.real_time_feedback;
  if (input.ai_coaching !== undefined) out.aiCoaching = input.ai_coaching;
  if (input.detailed_analysis !== undefined) out.detailedAnalysis = input.detailed_analysis;
  if (input.store_audio !== undefined) out.storeAudio = input.store_audio;
  if (input.share_analytics !== undefined) out.shareAnalytics = input.share_analytics;
  return out;
}

export function changesOf(body: z.infer<typeof updateSessionBody>): SessionChanges {
  const sessionType = body.session_type ?? body.config?.session_type;
  const lang = body.language ?? body.config?.language;
  return {
    ...(body.title !== undefined ? { title: body.title } : {}),
    ...(body.description !== undefined ? { description: body.description } : {}),
    ...(sessionType !== undefined ? { sessionType } : {}),
    ...(lang !== undefined ? { language: lang } : {}),
    ...(body.status !== undefined ? { status: body.status } : {}),
    ...(body.config !== undefined ? { config: configOf(body.config) } : {}),
    ...(body.tags !== undefined ? { tags: body.tags } : {}),
  };
}

const instant = z.iso.datetime();

export const sessionSchema = z
  .object({
    id: z.uuid(),
    user_id: z.uuid(),
    title: z.string().nullable(),
    description: z.string().nullable(),
    session_type: sessionType,
    language,
    status: z.enum(auraSessionStatus.enumValues),
    config: z.object({
      session_type: sessionType,
      language,
      max_duration: z.number().int(),
      feedback_frequency: z.number().int(),
      real_time_feedback: z.boolean(),
      ai_coaching: z.boolean(),
      detailed_analysis: z.boolean(),
      store_audio: z.boolean(),
      share_analytics: z.boolean(),
    }),
    state: z.object({ total_chunks: z.number().int(), audio_seconds: z.number(), speaking_time: z.number().describe('Seconds of speech') }),
    scores: scoresSchema.nullable(),
    tags: z.array(z.string()),
    created_at: instant,
    updated_at: instant,
    started_at: instant.nullable(),
    ended_at: instant.nullable(),
    expires_at: instant,
    duration_seconds: z.number().nullable().describe('From start to end (or to now while open)'),
  })
  .describe('AuraSession');

export function toSession(row: AuraSessionRow, nowMs: number): z.infer<typeof sessionSchema> {
  const c = row.config;
  const start = row.startedAt?.getTime();
  return {
    id: row.id,
    user_id: row.userId,
    title: row.title,
    description: row.description,
    session_type: row.sessionType,
    language: row.language,
    status: row.status,
    config: {
      session_type: row.sessionType,
      language: row.language,
      max_duration: c.maxDurationS,
      feedback_frequency: c.feedbackFrequencyS,
      real_time_feedback: c.realTimeFeedback,
      ai_coaching: c.aiCoaching,
      detailed_analysis: c.detailedAnalysis,
      store_audio: c.storeAudio,
      share_analytics: c.shareAnalytics,
    },
    state: { total_chunks: row.state.chunks, audio_seconds: Math.round(row.state.analysedMs) / 1000, speaking_time: Math.round(row.state.speechMs) / 1000 },
    scores: row.scores === null ? null : toScores(row.scores),
    tags: row.tags,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
    started_at: row.startedAt?.toISOString() ?? null,
    ended_at: row.endedAt?.toISOString() ?? null,
    expires_at: row.expiresAt.toISOString(),
    duration_seconds: start === undefined ? null : Math.round((row.endedAt?.getTime() ?? nowMs) - start) / 1000,
  };
}
