import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { checkAnalyser, checkAudioDecoder } from '../../services/aura/self-check.ts';
import type { AuraHttpDeps } from './deps.ts';
import { auraErrors } from './schemas.ts';

const selfTestSchema = z
  .object({
    status: z.enum(['ok', 'degraded']),
    timestamp: z.iso.datetime(),
    checks: z.object({
      database: z.object({ ok: z.boolean(), latency_ms: z.number(), error: z.string().optional() }),
      analyser: z
        .object({
          ok: z.boolean(),
          expected_f0_hz: z.number(),
          measured_f0_hz: z.number().nullable(),
          error_percent: z.number().nullable(),
          voiced_frames: z.number().int(),
          speaking_ms: z.number(),
          elapsed_ms: z.number(),
          error: z.string().optional(),
        })
        .describe('The speech analyser on a synthetic voice of known F0: ok within 5 %'),
      coaching_model: z.object({ configured: z.boolean(), feedback: z.enum(['model', 'rules']) }).describe('Configuration only: the model is not called'),
      audio_decoder: z.object({ ok: z.boolean(), library: z.literal('audio-decode'), format: z.literal('wav'), decoded_samples: z.number().int(), error: z.string().optional() }),
    }),
  })
  .describe('AuraSelfTest');

/**
 * `GET /api/v1/test`: AURA's integration check, for a signed-in user. Pings the database, runs the
 * speech analyser and the upload decoder on a synthetic voice in process, says whether a coaching model
 * is configured (without calling it). 503 when a check fails.
 */
export const auraSelfTestRoute: FastifyPluginAsyncZod<{ aura: AuraHttpDeps }> = (app, { aura }) => {
  app.get(
    '/test',
    {
      config: { auth: { scope: 'read', user: true } },
      schema: {
        tags: ['aura'],
        summary: 'Integration self-check: database, speech analyser, audio decoder, coaching model configuration',
        response: { 200: selfTestSchema, 503: selfTestSchema, ...auraErrors },
      },
    },
    async (_request, reply) => {
      const started = performance.now();
      const database = await aura.pingDatabase().then(
        () => ({ ok: true }),
        (failure: unknown) => ({ ok: false, error: failure instanceof Error ? failure.message : 'the database did not answer' }),
      );
      const latency = Math.round((performance.now() - started) * 10) / 10;
      const analyser = checkAnalyser();
      const decoder = await checkAudioDecoder();
      const ok = database.ok && analyser.ok && decoder.ok;
      const configured = aura.coaching.modelConfigured;
      return reply.code(ok ? 200 : 503).send({
        status: ok ? 'ok' : 'degraded',
        timestamp: new Date(aura.clock.nowMs()).toISOString(),
        checks: {
          database: { ...database, latency_ms: latency },
          analyser,
          coaching_model: { configured, feedback: configured ? 'model' : 'rules' },
          audio_decoder: { ...decoder, library: 'audio-decode' },
        },
      });
    },
  );
  return Promise.resolve();
};
