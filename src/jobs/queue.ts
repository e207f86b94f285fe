import type { Executor } from '../store/database.ts';
import { insertJob } from '../store/queries/jobs.ts';
import type { JobRow, JsonObject } from '../store/schema/jobs.ts';

export interface EnqueueParams {
  readonly tenantId: string;
  /** The call the job is about: it is listed by `GET /v1/calls/:callId/jobs` and deleted with the call. */
  readonly callId?: string | null | undefined;
  /** Names the handler that runs it (`defineJobHandler({ kind })`). */
  readonly kind: string;
  readonly payload: JsonObject;
  /**
   * Unique per tenant: enqueueing a key that exists returns the existing job and adds nothing, so a
   * step that runs twice enqueues once. Use a natural key such as `analysis.summary:<callId>`.
   */
  readonly idempotencyKey?: string | undefined;
  /** Attempts before the job is `dead` (default 5). */
  readonly maxAttempts?: number | undefined;
  /** Not before this instant (default: `at`). */
  readonly runAt?: Date | undefined;
  /** Now, from the caller's clock. */
  readonly at: Date;
}

export const defaultMaxAttempts = 5;

/**
 * Adds a job to the durable queue. Pass the transaction of the change that causes it (a call's end,
 * an analysis result) so both commit or neither does; a worker picks it up after the commit.
 */
export async function enqueue(tx: Executor, params: EnqueueParams): Promise<{ readonly job: JobRow; readonly created: boolean }> {
  return insertJob(tx, {
    tenantId: params.tenantId,
    callId: params.callId,
    kind: params.kind,
    payload: params.payload,
    maxAttempts: params.maxAttempts ?? defaultMaxAttempts,
    runAt: params.runAt ?? params.at,
    idempotencyKey: params.idempotencyKey,
    at: params.at,
  });
}
