import type { Clock } from '../../core/clock.ts';
import type { JobService } from '../../jobs/job-service.ts';
import type { CallAnalyses } from '../../jobs/call-analysis/call-analyses.ts';
import type { WebhookEndpoints } from '../../services/webhooks/endpoints.ts';

/** What the job and webhook routes need (`/v1/calls/:callId/jobs`, `/v1/jobs`, `/v1/webhooks`). */
export interface JobsHttpDeps {
  readonly jobs: JobService;
  readonly webhooks: WebhookEndpoints;
  /** Post-call analyses: read, re-run (`/v1/calls/:callId/analysis`). */
  readonly analyses: CallAnalyses;
  readonly clock: Clock;
  /** Lets this process's workers pick up a job queued by a request at once. */
  readonly wake: () => void;
}
