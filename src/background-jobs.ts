/**
 * The durable job queue, composed: the handlers of every job kind, this process's worker pool, and
 * the services the HTTP routes use (job status, webhook endpoints). Part of the composition root.
 */
import type { Config } from './config/config.ts';
import type { Clock } from './core/clock.ts';
import type { Logger } from './core/logger.ts';
import type { JobsHttpDeps } from './http/jobs/deps.ts';
import { CallAnalyst } from './jobs/call-analysis/call-analyst.ts';
import { callAnalysisHandler } from './jobs/call-analysis/call-analysis-handler.ts';
import type { CallAnalyzedStep } from './jobs/call-analysis/call-analyzed.ts';
import { enqueueCallAnalysis } from './jobs/call-analysis/enqueue-analysis.ts';
import { callLifecycleHandlers, type CallEndedStep } from './jobs/call-lifecycle-handlers.ts';
import type { JobHandler } from './jobs/handler.ts';
import { JobService } from './jobs/job-service.ts';
import { webhookDeliveryHandler } from './jobs/webhook-delivery-handler.ts';
import { JobWorkerPool } from './jobs/worker-pool.ts';
import type { CallService } from './services/calls.ts';
import { CallAnalyses } from './jobs/call-analysis/call-analyses.ts';
import { WebhookDeliverer } from './services/webhooks/deliver.ts';
import { WebhookEndpoints } from './services/webhooks/endpoints.ts';
import { WebhookEvents } from './services/webhooks/events.ts';
import type { Database } from './store/database.ts';

export interface BackgroundJobsDeps {
  readonly config: Config;
  readonly db: Database;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly calls: CallService;
  /** The webhook event emitter, when the composition root shares one (the live calls' `transcript.updated`); else one is made. */
  readonly webhookEvents?: WebhookEvents;
  /** More job kinds (post-call analysis, recordings) beside the lifecycle and webhook ones. */
  readonly handlers?: readonly JobHandler[];
  /** Post-call work started when a call ends, inside the `call-ended` job's transaction. */
  readonly onCallEnded?: readonly CallEndedStep[];
  /**
   * Work done with each successful post-call analysis (HandleHome's records…), inside the transaction
   * that stores it and emits `call.analyzed`; a step that throws rolls it all back and the job retries.
   */
  readonly onCallAnalyzed?: readonly CallAnalyzedStep[];
}

export interface BackgroundJobs {
  readonly pool: JobWorkerPool;
  /** `emitEvent(tx, tenantId, event)` for `transcript.updated` and `call.analyzed`. */
  readonly webhookEvents: WebhookEvents;
  readonly http: JobsHttpDeps;
}

/** The model client of post-call analysis; none without `OPENAI_API_KEY` (the jobs then fail saying so: never a fake). */
function callAnalystOf(config: Config): CallAnalyst | undefined {
  const { apiKey, baseUrl } = config.openai;
  if (apiKey === undefined) return undefined;
  return new CallAnalyst({ apiKey, baseUrl, defaultModel: config.analysis.model, requestTimeoutMs: config.analysis.requestTimeoutMs });
}

/** An attempt makes at most five requests (summary; extraction and evaluation, each retried once). */
function analysisAttemptTimeoutMs(config: Config): number {
  return 5 * config.analysis.requestTimeoutMs + 10_000;
}

export function createBackgroundJobs(deps: BackgroundJobsDeps): BackgroundJobs {
  const { config, db, clock, logger } = deps;
  const policy = { requireHttps: config.webhooks.requireHttps, allowPrivateNetworks: config.webhooks.allowPrivateNetworks };
  const webhookEvents = deps.webhookEvents ?? new WebhookEvents({ clock, maxAttempts: config.webhooks.maxAttempts });
  const deliverer = new WebhookDeliverer({ db, clock, policy, timeoutMs: config.webhooks.timeoutMs });
  const pool = new JobWorkerPool({
    db,
    clock,
    logger: logger.child({ component: 'jobs' }),
    handlers: [
      ...callLifecycleHandlers({ webhooks: webhookEvents, onCallEnded: [enqueueCallAnalysis({ maxAttempts: config.analysis.maxAttempts }), ...(deps.onCallEnded ?? [])] }),
      callAnalysisHandler({ analyst: callAnalystOf(config), webhooks: webhookEvents, onCallAnalyzed: deps.onCallAnalyzed ?? [], timeoutMs: analysisAttemptTimeoutMs(config) }),
      webhookDeliveryHandler(deliverer, { timeoutMs: config.webhooks.timeoutMs }),
      ...(deps.handlers ?? []),
    ],
    concurrency: config.jobs.concurrency,
    pollIntervalMs: config.jobs.pollIntervalMs,
    leaseMs: config.jobs.leaseMs,
    shutdownGraceMs: config.jobs.shutdownGraceMs,
  });
  const wake = () => {
    pool.wake();
  };
  return {
    pool,
    webhookEvents,
    http: {
      jobs: new JobService({ db, clock, calls: deps.calls, wake }),
      webhooks: new WebhookEndpoints({ db, clock, policy, maxAttempts: config.webhooks.maxAttempts }),
      analyses: new CallAnalyses({ db, clock, calls: deps.calls, maxAttempts: config.analysis.maxAttempts, wake }),
      clock,
      wake,
    },
  };
}
