import { z } from 'zod';
import type { Trend } from '../../coaching/progress.ts';
import { dimensions, type CoachingResult, type FeedbackItem, type Scores, type SpeechSnapshot } from '../../coaching/types.ts';
import type { AuraFeedbackRow } from '../../store/schema/aura-feedback.ts';
import type { AuraMilestoneRow } from '../../store/schema/aura-milestones.ts';

const n = z.number().nullable();
const score = z.number().int().min(0).max(100).nullable();

export const voiceMetricsSchema = z
  .object({
    duration_ms: z.number(),
    speech_ms: z.number(),
    level_dbfs: n.describe('Mean level of speech, dBFS'),
    clipped_ratio: z.number(),
    snr_db: n,
    pitch_median_hz: n,
    pitch_variability_st: n.describe('F0 standard deviation, semitones'),
    monotone: z.boolean().nullable(),
    pause_count: z.number().int(),
    long_pause_count: z.number().int(),
    mean_pause_ms: n,
    syllables_per_second: n,
    words_per_minute: n.describe('From the transcript; null without one'),
    word_count: z.number().int().nullable(),
    filler_count: z.number().int().nullable().describe('From the transcript; null without one'),
  })
  .describe('AuraVoiceMetrics');

const r = (v: number | null, digits = 1) => (v === null ? null : Math.round(v * 10 ** digits) / 10 ** digits);

export function toVoiceMetrics(s: SpeechSnapshot): z.infer<typeof voiceMetricsSchema> {
  return {
    duration_ms: Math.round(s.durationMs),
    speech_ms: Math.round(s.speechMs),
    level_dbfs: r(s.levelDbfs),
    clipped_ratio: r(s.clippedRatio, 5) ?? 0,
    snr_db: r(s.snrDb),
    pitch_median_hz: r(s.pitchMedianHz),
    pitch_variability_st: r(s.pitchVariabilitySt, 2),
    monotone: s.monotone,
    pause_count: s.pauseCount,
    long_pause_count: s.longPauseCount,
    mean_pause_ms: r(s.meanPauseMs, 0),
    syllables_per_second: r(s.syllablesPerSecond, 2),
    words_per_minute: r(s.wordsPerMinute),
    word_count: s.wordCount,
    filler_count: s.fillerCount,
  };
}

export const scoresSchema = z
  .object({ overall: score, pace: score, pauses: score, intonation: score, volume: score, clarity: score, fluency: score })
  .describe('AuraScores: 0–100, null where there was not enough evidence');

export function toScores(s: Scores): z.infer<typeof scoresSchema> {
  return { overall: s.overall, ...s.dimensions };
}

export const feedbackItemSchema = z
  .object({
    type: z.enum(dimensions),
    rule: z.string(),
    category: z.enum(['technique', 'delivery']),
    severity: z.enum(['info', 'warning', 'critical']),
    message: z.string(),
    suggestions: z.array(z.string()),
    score,
  })
  .describe('AuraFeedbackItem');

export function toFeedbackItem(i: FeedbackItem): z.infer<typeof feedbackItemSchema> {
  return { type: i.type, rule: i.rule, category: i.category, severity: i.severity, message: i.message, suggestions: [...i.suggestions], score: i.score };
}

export const coachingSchema = z
  .object({
    source: z.enum(['rules', 'model']),
    fallback_reason: z.string().nullable(),
    language: z.enum(['fr', 'en']),
    scores: scoresSchema,
    summary: z.string(),
    strengths: z.array(z.string()),
    improvements: z.array(z.object({ area: z.enum(dimensions), issue: z.string(), tip: z.string(), why: z.string() })),
    encouragement: z.string(),
    next_focus: z.enum(dimensions).nullable(),
    feedback_items: z.array(feedbackItemSchema),
  })
  .describe('AuraCoaching');

export function toCoaching(c: CoachingResult): z.infer<typeof coachingSchema> {
  return {
    source: c.source,
    fallback_reason: c.fallbackReason,
    language: c.language,
    scores: toScores(c.scores),
    summary: c.summary,
    strengths: [...c.strengths],
    improvements: c.improvements.map((i) => ({ ...i })),
    encouragement: c.encouragement,
    next_focus: c.nextFocus,
    feedback_items: c.items.map(toFeedbackItem),
  };
}

export const storedFeedbackSchema = coachingSchema
  .extend({
    id: z.uuid(),
    session_id: z.uuid(),
    kind: z.enum(['realtime', 'coaching', 'report']),
    at_ms: z.number().int().describe('Position in the session’s audio the feedback is about'),
    generated_at: z.iso.datetime(),
  })
  .describe('AuraFeedback');

export function toStoredFeedback(row: AuraFeedbackRow): z.infer<typeof storedFeedbackSchema> {
  return { id: row.id, session_id: row.sessionId, kind: row.kind, at_ms: row.atMs, generated_at: row.createdAt.toISOString(), ...toCoaching(row.result) };
}

export const milestoneSchema = z
  .object({
    id: z.uuid(),
    kind: z.enum(['significant_improvement', 'first_excellent', 'endurance']),
    key: z.string(),
    session_id: z.uuid().nullable(),
    data: z.record(z.string(), z.number()),
    achieved_at: z.iso.datetime(),
  })
  .describe('AuraMilestone');

export function toMilestone(m: AuraMilestoneRow): z.infer<typeof milestoneSchema> {
  return { id: m.id, kind: m.kind as z.infer<typeof milestoneSchema>['kind'], key: m.key, session_id: m.sessionId, data: m.data, achieved_at: m.achievedAt.toISOString() };
}

export const trendSchema = z.object({
  slope: z.number().describe('Score points per step (least squares)'),
  r2: z.number(),
  direction: z.enum(['improving', 'declining', 'stable', 'insufficient_data']),
  points: z.number().int(),
});

export function toTrend(t: Trend): z.infer<typeof trendSchema> {
  return { slope: t.slope, r2: t.r2, direction: t.direction, points: t.points };
}
