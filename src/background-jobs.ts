/**
 * The durable job queue, composed: the handlers of every job kind, this process's worker pool, and
 * the services the HTTP routes use (job status, webhook endpoints). Part of the composition root.
 */
import type { Config } from './config/config.ts';
import type { Clock } from './core/clock.ts';
import type { Logger } from './core/logger.ts';
import type { JobsHttpDeps } from './http/jobs/deps.ts';
import { callLifecycleHandlers, type CallEndedStep } from './jobs/call-lifecycle-handlers.ts';
import type { JobHandler } from './jobs/handler.ts';
import { JobService } from './jobs/job-service.ts';
import { webhookDeliveryHandler } from './jobs/webhook-delivery-handler.ts';
import { JobWorkerPool } from './jobs/worker-pool.ts';
import type { CallService } from './services/calls.ts';
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
  /** More job kinds (post-call analysis, recordings) beside the lifecycle and webhook ones. */
  readonly handlers?: readonly JobHandler[];
  /** Post-call work started when a call ends, inside the `call-ended` job's transaction. */
  readonly onCallEnded?: readonly CallEndedStep[];
}

export interface BackgroundJobs {
  readonly pool: JobWorkerPool;
  /** `emitEvent(tx, tenantId, event)` for `transcript.updated` and `call.analyzed`. */
  readonly webhookEvents: WebhookEvents;
  readonly http: JobsHttpDeps;
}

export function createBackgroundJobs(deps: BackgroundJobsDeps): BackgroundJobs {
  const { config, db, clock, logger } = deps;
  const policy = { requireHttps: config.webhooks.requireHttps, allowPrivateNetworks: config.webhooks.allowPrivateNetworks };
  const webhookEvents = new WebhookEvents({ clock, maxAttempts: config.webhooks.maxAttempts });
  const deliverer = new WebhookDeliverer({ db, clock, policy, timeoutMs: config.webhooks.timeoutMs });
  const pool = new JobWorkerPool({
    db,
    clock,
    logger: logger.child({ component: 'jobs' }),
    handlers: [
      ...callLifecycleHandlers({ webhooks: webhookEvents, onCallEnded: deps.onCallEnded ?? [] }),
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
      clock,
      wake,
    },
  };
}
