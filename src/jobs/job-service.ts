import type { Clock } from '../core/clock.ts';
import { AppError } from '../core/errors.ts';
import type { Principal } from '../core/principal.ts';
import type { CallService } from '../services/calls.ts';
import type { Database } from '../store/database.ts';
import { listCallJobs, listJobs, requeueJob } from '../store/queries/jobs.ts';
import type { JobRow, JobStatus } from '../store/schema/jobs.ts';

export interface JobServiceDeps {
  readonly db: Database;
  readonly clock: Clock;
  /** Ownership of calls: a member sees the jobs of their own calls only. */
  readonly calls: Pick<CallService, 'get'>;
  /** Called after a job is put back in the queue, so this process's workers poll at once. */
  readonly wake?: () => void;
}

/** Job status for the API: a call's jobs, the tenant's jobs, and retrying a failed or dead job. */
export class JobService {
  readonly #deps: JobServiceDeps;

  constructor(deps: JobServiceDeps) {
    this.#deps = deps;
  }

  /** The jobs of a call the principal may see (`call_not_found` otherwise), oldest first. */
  async forCall(principal: Principal, callId: string): Promise<JobRow[]> {
    await this.#deps.calls.get(principal, callId);
    return listCallJobs(this.#deps.db, { tenantId: principal.tenantId, callId });
  }

  /** The tenant's jobs, newest first. */
  async list(principal: Principal, filter: { status?: JobStatus | undefined; kind?: string | undefined; limit: number }): Promise<JobRow[]> {
    return listJobs(this.#deps.db, { tenantId: principal.tenantId, ...filter });
  }

  /** Queues a `failed` or `dead` job again, with a fresh set of attempts. */
  async retry(principal: Principal, jobId: string): Promise<JobRow> {
    const result = await requeueJob(this.#deps.db, { tenantId: principal.tenantId, jobId, at: new Date(this.#deps.clock.nowMs()) });
    if (!result.ok) {
      if (result.error.kind === 'not_found') throw new AppError('job_not_found', 'Job not found');
      throw new AppError('job_not_retryable', `Only a failed or dead job can be retried; this one is ${result.error.status}`);
    }
    this.#deps.wake?.();
    return result.value;
  }
}
