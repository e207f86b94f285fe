import { z } from 'zod';
import { identityEnvShape } from './identity.ts';
import { analysisEnvShape } from './analysis.ts';
import { callControlEnvShape } from './call-control.ts';
import { clusterEnvShape } from './cluster.ts';
import { jobsEnvShape } from './jobs.ts';
import { mailEnvShape } from './mail.ts';
import { securityEnvShape } from './security.ts';
import { twilioEnvShape } from './twilio.ts';

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

const optionalUrl = (protocols: RegExp, error: string) =>
  z
    .string()
    .trim()
    .transform((value) => (value === '' ? undefined : value))
    .pipe(z.url({ protocol: protocols, error }).optional())
    .optional();

/**
 * Every environment variable the server reads. `.env.example` documents each one; the README has the
 * same table. Keep the three in step.
 */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().trim().min(1).default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  PUBLIC_URL: optionalUrl(/^https?$/, 'must be an http(s) URL'),
  DATA_DIR: z.string().trim().min(1).default('./data'),
  DATABASE_URL: optionalUrl(/^postgres(ql)?$/, 'must be a postgres:// or postgresql:// URL'),
  REDIS_URL: optionalUrl(/^rediss?$/, 'must be a redis:// or rediss:// URL'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_PRETTY: z.stringbool().default(false),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(50 * 1024 * 1024).default(1024 * 1024),

  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: httpUrl.default('https://api.openai.com/v1'),
  OPENAI_REALTIME_MODEL: z.string().trim().min(1).default('gpt-realtime'),
  OPENAI_CHAT_MODEL: z.string().trim().min(1).default('gpt-4o-mini'),
  OPENAI_TRANSCRIPTION_MODEL: z.string().trim().min(1).default('whisper-1'),
  GEMINI_API_KEY: optionalString,
  GEMINI_BASE_URL: httpUrl.default('https://generativelanguage.googleapis.com'),
  ...twilioEnvShape,
  ...securityEnvShape,
  ...identityEnvShape,
  ...mailEnvShape,
  ...jobsEnvShape,
  ...analysisEnvShape,
  ...callControlEnvShape,
  ...clusterEnvShape,
});

export type Env = z.infer<typeof envSchema>;
