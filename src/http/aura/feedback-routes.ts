import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { bandPosition, languageExpectations, type Band } from '../../coaching/language-expectations.ts';
import { metrics, stabilityOf, trendOf, type Progress } from '../../coaching/progress.ts';
import { dimensions, type SpeechSnapshot } from '../../coaching/types.ts';
import type { AuraMilestoneRow } from '../../store/schema/aura-milestones.ts';
import { principalOf } from '../authentication.ts';
import { milestoneSchema, scoresSchema, storedFeedbackSchema, toMilestone, toScores, toStoredFeedback, toTrend, toVoiceMetrics, trendSchema, voiceMetricsSchema } from './coaching-schemas.ts';
import type { AuraHttpDeps } from './deps.ts';
import { auraSessionErrors } from './schemas.ts';
import { sessionIdParams } from './session-schemas.ts';

const own = { auth: { scope: 'read', user: true } } as const;
const queryBool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const progressSchema = z
  .object({
    sessions: z.number().int(),
    total_speaking_seconds: z.number(),
    trends: z.record(z.enum(['overall', ...dimensions]), trendSchema),
    stability: z.number().nullable().describe('1 / (1 + coefficient of variation) of the overall score over the last 10 sessions'),
    improvement_rate: z.number().nullable(),
    personal_bests: z.array(z.object({ metric: z.string(), score: z.number(), session_id: z.uuid(), achieved_at: z.iso.datetime() })),
    milestones: z.array(milestoneSchema),
  })
  .describe('AuraProgress');

function toProgress(p: Progress, achieved: readonly AuraMilestoneRow[]): z.infer<typeof progressSchema> {
  return {
    sessions: p.sessions,
    total_speaking_seconds: Math.round(p.totalSpeechMs) / 1000,
    trends: Object.fromEntries(metrics.map((m) => [m, toTrend(p.trends[m])])) as z.infer<typeof progressSchema>['trends'],
    stability: p.stability,
    improvement_rate: p.improvementRate,
    personal_bests: p.personalBests.map((b) => ({ metric: b.metric, score: b.score, session_id: b.sessionId, achieved_at: new Date(b.atMs).toISOString() })),
    milestones: achieved.map(toMilestone),
  };
}

const benchmarkSchema = z.object({
  metric: z.string(),
  value: z.number(),
  ideal: z.tuple([z.number(), z.number().nullable()]),
  acceptable: z.tuple([z.number(), z.number().nullable()]),
  position: z.enum(['too_low', 'low', 'ideal', 'high', 'too_high']),
});

/** The session's measurements against the language's expectations (no benchmark is made up: no value, no row). */
function benchmarksOf(s: SpeechSnapshot, language: 'fr' | 'en'): z.infer<typeof benchmarkSchema>[] {
  const e = languageExpectations[language];
  const minutes = s.durationMs / 60_000;
  const rows: [string, number | null, Band][] = [
    ['words_per_minute', s.wordsPerMinute, e.wordsPerMinute],
    ['syllables_per_second', s.syllablesPerSecond, e.syllablesPerSecond],
    ['pauses_per_minute', minutes > 0 ? s.pauseCount / minutes : null, e.pausesPerMinute],
    ['pitch_variability_st', s.pitchVariabilitySt, e.pitchVariabilitySt],
    ['level_dbfs', s.levelDbfs, e.levelDbfs],
    ['snr_db', s.snrDb, e.snrDb],
    ['fillers_per_minute', s.fillerCount !== null && s.speechMs > 0 ? s.fillerCount / (s.speechMs / 60_000) : null, e.fillersPerMinute],
  ];
  const finite = (v: number) => (Number.isFinite(v) ? v : null);
  return rows
    .filter((row): row is [string, number, Band] => row[1] !== null)
    .map(([metric, value, band]) => ({
      metric,
      value: Math.round(value * 100) / 100,
      ideal: [band.ideal[0], finite(band.ideal[1])],
      acceptable: [band.acceptable[0], finite(band.acceptable[1])],
      position: bandPosition(value, band),
    }));
}

const analyticsSchema = z
  .object({
    session_id: z.uuid(),
    generated_at: z.iso.datetime(),
    totals: z.object({ chunks: z.number().int(), audio_seconds: z.number(), speaking_seconds: z.number() }),
    scores: scoresSchema.nullable(),
    voice_metrics: voiceMetricsSchema.nullable(),
    timeline: z.array(z.object({ chunk_number: z.number().int(), source: z.enum(['chunk', 'upload', 'stream']), start_ms: z.number().int(), duration_ms: z.number().int(), scores: scoresSchema })),
    session_trend: trendSchema.describe('Overall score over the session’s analysed stretches'),
    stability: z.number().nullable(),
    best_chunk: z.object({ chunk_number: z.number().int(), overall: z.number() }).nullable(),
    milestones: z.array(milestoneSchema),
    trends: progressSchema.optional().describe('The user’s progress over their sessions (include_trends)'),
    benchmarks: z.array(benchmarkSchema).optional().describe('The session against its language’s expectations (include_benchmarks)'),
  })
  .describe('AuraAnalytics');

/** Feedback, coaching on demand, analytics and progress (docs/aura.md). */
export const auraFeedbackRoutes: FastifyPluginAsyncZod<{ aura: AuraHttpDeps }> = (app, { aura }) => {
  app.get(
    '/sessions/:id/feedback',
    {
      config: own,
      schema: {
        tags: ['aura'],
        summary: 'The session’s feedback, newest first',
        params: sessionIdParams,
        querystring: z.strictObject({
          feedback_type: z.enum(['realtime', 'coaching', 'report']).optional(),
          limit: z.coerce.number().int().min(1).max(100).default(20),
          offset: z.coerce.number().int().min(0).default(0),
        }),
        response: { 200: z.object({ session_id: z.uuid(), feedback: z.array(storedFeedbackSchema), total: z.number().int() }), ...auraSessionErrors },
      },
    },
    async (request) => {
      const { feedback_type: kind, limit, offset } = request.query;
      const { rows, total } = await aura.coaching.feedback(principalOf(request), request.params.id, { kind, limit, offset });
      return { session_id: request.params.id, feedback: rows.map(toStoredFeedback), total };
    },
  );

  app.post(
    '/sessions/:id/feedback/generate',
    {
      config: { auth: { scope: 'calls', user: true } },
      schema: {
        tags: ['aura'],
        summary: 'Coaching on the session so far (the model’s, or the rules’ when it is off or fails)',
        description: '`source` says who wrote it; `fallback_reason` why the rules did. Scores are always measured.',
        params: sessionIdParams,
        body: z
          .strictObject({
            focus_areas: z.array(z.enum(dimensions)).max(dimensions.length).optional(),
            custom_prompt: z.string().trim().min(1).max(500).optional().describe('A note to the coach; the answer is still coaching JSON'),
          })
          .nullish(),
        response: { 200: storedFeedbackSchema, ...auraSessionErrors },
      },
    },
    async (request) => {
      const body = request.body ?? {};
      return toStoredFeedback(await aura.coaching.generate(principalOf(request), request.params.id, { focusAreas: body.focus_areas ?? [], note: body.custom_prompt ?? null }));
    },
  );

  app.get(
    '/sessions/:id/analytics',
    {
      config: own,
      schema: {
        tags: ['aura'],
        summary: 'Session analytics: timeline, trend, stability, milestones, progress, benchmarks',
        params: sessionIdParams,
        querystring: z.strictObject({ include_trends: queryBool.default(true), include_benchmarks: queryBool.default(true) }),
        response: { 200: analyticsSchema, ...auraSessionErrors },
      },
    },
    async (request) => {
      const { session, analyses, milestones } = await aura.coaching.analytics(principalOf(request), request.params.id);
      const overall = analyses.map((a) => a.scores.overall).filter((v): v is number => v !== null);
      const best = analyses.reduce<{ chunk_number: number; overall: number } | null>((b, a) => (a.scores.overall !== null && (b === null || a.scores.overall > b.overall) ? { chunk_number: a.seq, overall: a.scores.overall } : b), null);
      const progress = request.query.include_trends ? await aura.coaching.progress(session.tenantId, session.userId) : undefined;
      return {
        session_id: session.id,
        generated_at: new Date(aura.clock.nowMs()).toISOString(),
        totals: { chunks: session.state.chunks, audio_seconds: Math.round(session.state.analysedMs) / 1000, speaking_seconds: Math.round(session.state.speechMs) / 1000 },
        scores: session.scores === null ? null : toScores(session.scores),
        voice_metrics: session.snapshot === null ? null : toVoiceMetrics(session.snapshot),
        timeline: analyses.map((a) => ({ chunk_number: a.seq, source: a.source, start_ms: a.startMs, duration_ms: a.durationMs, scores: toScores(a.scores) })),
        session_trend: toTrend(trendOf(overall)),
        stability: stabilityOf(overall),
        best_chunk: best,
        milestones: milestones.map(toMilestone),
        ...(progress ? { trends: toProgress(progress.progress, progress.achieved) } : {}),
        ...(request.query.include_benchmarks && session.snapshot !== null ? { benchmarks: benchmarksOf(session.snapshot, session.language) } : {}),
      };
    },
  );

  app.get(
    '/user/stats',
    { config: own, schema: { tags: ['aura'], summary: 'Your progress over your sessions: trends, stability, personal bests, milestones', response: { 200: progressSchema, ...auraSessionErrors } } },
    async (request) => {
      const principal = principalOf(request);
      const { progress, achieved } = await aura.coaching.progress(principal.tenantId, principal.userId ?? '');
      return toProgress(progress, achieved);
    },
  );

  return Promise.resolve();
};

const healthSchema = z
  .object({
    status: z.enum(['healthy', 'degraded']),
    timestamp: z.iso.datetime(),
    services: z.object({ database: z.enum(['up', 'down']), coaching_model: z.enum(['configured', 'not_configured']), audio_decoder: z.literal('audio-decode') }),
  })
  .describe('AuraHealth');

/** `GET /api/v1/health`: public, says whether the database answers and whether a coaching model is configured. */
export const auraHealthRoute: FastifyPluginAsyncZod<{ aura: AuraHttpDeps }> = (app, { aura }) => {
  app.get(
    '/health',
    {
      schema: {
        tags: ['aura'],
        summary: 'AURA health check',
        response: { 200: healthSchema, 503: healthSchema },
      },
    },
    async (_request, reply) => {
      const database = await aura.pingDatabase().then(
        () => 'up' as const,
        () => 'down' as const,
      );
      return reply.code(database === 'up' ? 200 : 503).send({
        status: database === 'up' ? 'healthy' : 'degraded',
        timestamp: new Date(aura.clock.nowMs()).toISOString(),
        services: { database, coaching_model: aura.coaching.modelConfigured ? 'configured' : 'not_configured', audio_decoder: 'audio-decode' },
      });
    },
  );
  return Promise.resolve();
};
