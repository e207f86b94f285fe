import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { analysisConfigOf, type AnalysisConfig } from './analysis.ts';
import { callControlConfigOf, callControlProblems, type CallControlConfig } from './call-control.ts';
import { clusterConfigOf, clusterProblems, type ClusterConfig } from './cluster.ts';
import { envIssueMessage } from './env-issues.ts';
import { identityConfigOf, identityProblems, type IdentityConfig } from './identity.ts';
import { jobsConfigOf, webhooksConfigOf, type JobsConfig, type WebhooksConfig } from './jobs.ts';
import { mailConfigOf, mailProblems, type MailConfig } from './mail.ts';
import { envSchema, type Env } from './schema.ts';
import { securityConfigOf, type SecurityConfig } from './security.ts';
import { twilioConfigOf, twilioProblems, type TwilioConfig } from './twilio.ts';

export type NodeEnv = Env['NODE_ENV'];

/** The server's whole configuration, parsed once at start-up, frozen and passed down. */
export interface Config {
  readonly nodeEnv: NodeEnv;
  readonly http: {
    readonly host: string;
    readonly port: number;
    readonly publicUrl: string;
    readonly bodyLimitBytes: number;
  };
  readonly dataDir: string;
  /** `undefined` selects the embedded PGlite database under `dataDir`. */
  readonly databaseUrl: string | undefined;
  /** `undefined` selects in-process stores. */
  readonly redisUrl: string | undefined;
  /** Prefix of every key this server writes to Redis, so several deployments (or test runs) can share one. */
  readonly redisKeyPrefix: string;
  /** Rate limits, concurrency and duration caps, CORS, proxies, JSON depth. */
  readonly security: SecurityConfig;
  /** Tokens, API keys, the operator key, signup and external identity providers. */
  readonly identity: IdentityConfig;
  /** Outgoing mail (password reset); unset SMTP_URL means none. */
  readonly mail: MailConfig;
  /** The durable job workers of this process (docs/jobs.md). */
  readonly jobs: JobsConfig;
  /** Outgoing webhooks: timeout, retries, which URLs are allowed (docs/webhooks.md). */
  readonly webhooks: WebhooksConfig;
  /** Post-call analysis: default model, request timeout, attempts (docs/analysis.md). */
  readonly analysis: AnalysisConfig;
  /** Ending a call that another instance runs: how long to wait for it (docs/calls.md). */
  readonly callControl: CallControlConfig;
  /** Worker processes behind the one port (docs/cluster.md); 1 runs everything in this process. */
  readonly cluster: ClusterConfig;
  readonly log: { readonly level: Env['LOG_LEVEL']; readonly pretty: boolean };
  readonly openai: {
    readonly apiKey: string | undefined;
    readonly baseUrl: string;
    readonly realtimeModel: string;
    readonly chatModel: string;
    /** Re-transcription of recordings (`/v1/audio/transcriptions` with word timestamps). */
    readonly transcriptionModel: string;
  };
  readonly gemini: { readonly apiKey: string | undefined; readonly baseUrl: string };
  /** Phone calls: signature checks, outbound calls (docs/twilio.md). */
  readonly twilio: TwilioConfig;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function deepFreeze<T extends object>(value: T): Readonly<T> {
  for (const inner of Object.values(value)) {
    if (typeof inner === 'object' && inner !== null) deepFreeze(inner as object);
  }
  return Object.freeze(value);
}

/** Parses an environment record (normally `process.env`) into a frozen `Config`, or throws `ConfigError` naming each bad variable. */
export function parseConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const parsed = envSchema.safeParse(env, { error: envIssueMessage });
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`));
  }
  const e = parsed.data;
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  const problems = [...identityProblems(e), ...mailProblems(e), ...twilioProblems(e, publicUrl), ...callControlProblems(e), ...clusterProblems(e)];
  if (problems.length > 0) throw new ConfigError(problems);
  const config: Config = {
    nodeEnv: e.NODE_ENV,
    http: {
      host: e.HOST,
      port: e.PORT,
      publicUrl,
      bodyLimitBytes: e.BODY_LIMIT_BYTES,
    },
    dataDir: resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    security: securityConfigOf(e),
    identity: identityConfigOf(e),
    mail: mailConfigOf(e, publicUrl),
    jobs: jobsConfigOf(e),
    webhooks: webhooksConfigOf(e, e.NODE_ENV),
    analysis: analysisConfigOf(e),
    callControl: callControlConfigOf(e),
    cluster: clusterConfigOf(e),
    log: { level: e.LOG_LEVEL, pretty: e.LOG_PRETTY },
    openai: {
      apiKey: e.OPENAI_API_KEY,
      baseUrl: e.OPENAI_BASE_URL.replace(/\/+$/, ''),
      realtimeModel: e.OPENAI_REALTIME_MODEL,
      chatModel: e.OPENAI_CHAT_MODEL,
      transcriptionModel: e.OPENAI_TRANSCRIPTION_MODEL,
    },
    gemini: { apiKey: e.GEMINI_API_KEY, baseUrl: e.GEMINI_BASE_URL.replace(/\/+$/, '') },
    twilio: twilioConfigOf(e),
  };
  return deepFreeze(config);
}

/**
 * Reads `.env` from the working directory when present (variables already set in the environment win),
 * then parses the environment. The only place in the server that touches `process.env`.
 */
export function loadConfig(envFile = '.env'): Config {
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  return parseConfig(process.env);
}
