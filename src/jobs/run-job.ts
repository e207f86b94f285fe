import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import type { Database } from '../store/database.ts';
import { renewLease, settleJob, type Lease, type Settlement } from '../store/queries/jobs.ts';
import type { JobRow } from '../store/schema/jobs.ts';
import { backoffDelayMs } from './backoff.ts';
import { isRetryable, type JobContext, type JobHandler, type JobOutcome } from './handler.ts';

export interface RunJobDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly workerId: string;
  readonly leaseMs: number;
  readonly random: () => number;
}

/** Why an attempt was aborted from outside the handler. */
export class AttemptAborted extends Error {
  constructor(readonly reason: 'timeout' | 'lease_lost' | 'shutdown', message: string) {
    super(message);
    this.name = 'AttemptAborted';
  }
}

/** A job being run by this process. */
export interface RunningJob {
  readonly lease: Lease;
  /** Settles once the attempt's outcome is recorded (or found not to be ours any more). Never rejects. */
  readonly done: Promise<void>;
  /** Aborts the attempt at shutdown: its lease is given back and the attempt is not counted. */
  abortForShutdown(): void;
}

const maxErrorLength = 2_000;

function describe(error: unknown): string {
  const message = error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error);
  return message.length > maxErrorLength ? `${message.slice(0, maxErrorLength)}…` : message;
}

function settlementOf(outcome: JobOutcome): Settlement {
  return outcome.status === 'succeeded'
    ? { status: 'succeeded', result: outcome.result ?? null }
    : { status: 'skipped', result: { reason: outcome.reason } };
}

function abortedPromise(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    const fail = () => {
      reject(signal.reason instanceof Error ? signal.reason : new AttemptAborted('shutdown', 'aborted'));
    };
    if (signal.aborted) fail();
    else signal.addEventListener('abort', fail, { once: true });
  });
}

/**
 * Runs one claimed job: validates and executes it under a lease that a heartbeat keeps renewing, and
 * records the outcome fenced by the lease (a worker that lost its job writes nothing). Failures are
 * retried with backoff until `max_attempts`, then the job is `dead`; a non-retryable failure is `failed`.
 */
export function startJob(job: JobRow, handler: JobHandler, deps: RunJobDeps): RunningJob {
  const lease: Lease = { jobId: job.id, workerId: deps.workerId, attempt: job.attempts };
  const controller = new AbortController();
  const done = attempt(job, handler, deps, lease, controller).catch((error: unknown) => {
    deps.logger.error({ err: error, jobId: job.id, kind: job.kind }, 'job outcome could not be recorded');
  });
  return {
    lease,
    done,
    abortForShutdown() {
      controller.abort(new AttemptAborted('shutdown', 'the server shut down during the attempt'));
    },
  };
}

async function attempt(job: JobRow, handler: JobHandler, deps: RunJobDeps, lease: Lease, controller: AbortController): Promise<void> {
  const { db, clock } = deps;
  const now = () => new Date(clock.nowMs());
  const logger = deps.logger.child({ jobId: job.id, kind: job.kind, attempt: job.attempts, tenantId: job.tenantId });
  if (job.attempts > job.maxAttempts) {
    // Only a job whose last allowed attempt was claimed and never finished gets here (its worker died).
    const error = `attempt ${String(job.attempts - 1)} never finished: its worker stopped holding the lease (process killed?)`;
    await settleJob(db, lease, { status: 'dead', error }, now());
    logger.warn('job is dead: its last attempt was lost with its worker');
    return;
  }
  const stopTimers = startTimers(handler, deps, lease, controller, logger);
  // Set from inside `commit` (a closure), so kept in an object the checks below read afresh.
  const state = { committed: false };
  const ctx: Omit<JobContext<unknown>, 'payload'> = {
    job: { id: job.id, tenantId: job.tenantId, callId: job.callId, kind: job.kind, attempt: job.attempts, maxAttempts: job.maxAttempts },
    idempotencyKey: job.idempotencyKey ?? job.id,
    signal: controller.signal,
    db,
    clock,
    logger,
    async commit(work) {
      if (state.committed) throw new Error('commit() may be called once per attempt');
      const outcome = await db.transaction(async (tx) => {
        const result = await work(tx);
        if (!(await settleJob(tx, lease, settlementOf(result), now()))) {
          throw new AttemptAborted('lease_lost', 'the job’s lease was lost before its effects could commit');
        }
        return result;
      });
      state.committed = true;
      return outcome;
    },
  };
  try {
    const outcome = await Promise.race([handler.execute(job.payload, ctx), abortedPromise(controller.signal)]);
    if (state.committed) return;
    if (!(await settleJob(db, lease, settlementOf(outcome), now()))) logger.warn('job finished after its lease was lost; outcome discarded');
  } catch (error) {
    if (state.committed) {
      logger.warn({ err: error }, 'job failed after its outcome was committed');
      return;
    }
    await settleFailure(job, handler, deps, lease, error, logger);
  } finally {
    stopTimers();
  }
}

async function settleFailure(job: JobRow, handler: JobHandler, deps: RunJobDeps, lease: Lease, error: unknown, logger: Logger): Promise<void> {
  const now = new Date(deps.clock.nowMs());
  if (error instanceof AttemptAborted && error.reason === 'lease_lost') {
    logger.warn('job lease lost during the attempt; another worker has it');
    return;
  }
  if (error instanceof AttemptAborted && error.reason === 'shutdown') {
    await settleJob(deps.db, lease, { status: 'queued', runAt: now, error: null, refundAttempt: true }, now);
    logger.info('job given back at shutdown');
    return;
  }
  const message = describe(error);
  let settlement: Settlement;
  if (!isRetryable(error)) settlement = { status: 'failed', error: message };
  else if (job.attempts >= job.maxAttempts) settlement = { status: 'dead', error: message };
  else {
    const delayMs = backoffDelayMs(job.attempts, handler.backoff, deps.random);
    settlement = { status: 'queued', runAt: new Date(now.getTime() + delayMs), error: message, refundAttempt: false };
  }
  const recorded = await settleJob(deps.db, lease, settlement, now);
  logger.warn({ err: error, next: settlement.status, recorded }, 'job attempt failed');
}

/** The lease heartbeat (every third of the lease) and the attempt's timeout; returns their cancel. */
function startTimers(handler: JobHandler, deps: RunJobDeps, lease: Lease, controller: AbortController, logger: Logger): () => void {
  const { clock } = deps;
  const heartbeatMs = Math.max(1, Math.floor(deps.leaseMs / 3));
  let cancelHeartbeat: () => void = () => undefined;
  const beat = () => {
    cancelHeartbeat = clock.setTimer(heartbeatMs, () => {
      const at = clock.nowMs();
      renewLease(deps.db, lease, new Date(at + deps.leaseMs), new Date(at)).then(
        (held) => {
          if (!held) controller.abort(new AttemptAborted('lease_lost', 'the job’s lease was lost'));
          else if (!controller.signal.aborted) beat();
        },
        (error: unknown) => {
          logger.warn({ err: error }, 'job lease could not be renewed');
          if (!controller.signal.aborted) beat();
        },
      );
    });
  };
  beat();
  const cancelTimeout = clock.setTimer(handler.timeoutMs, () => {
    controller.abort(new AttemptAborted('timeout', `the attempt timed out after ${String(handler.timeoutMs)} ms`));
  });
  return () => {
    cancelHeartbeat();
    cancelTimeout();
  };
}
