import type { z } from 'zod';
import type { Clock } from '../core/clock.ts';
import { isAppError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { Database, Executor } from '../store/database.ts';
import type { JsonObject } from '../store/schema/jobs.ts';

/** How an attempt ended well: done (with an optional result), or deliberately not done, with the reason. */
export type JobOutcome =
  | { readonly status: 'succeeded'; readonly result?: JsonObject | undefined }
  | { readonly status: 'skipped'; readonly reason: string };

/** The job as its handler sees it. */
export interface JobInfo {
  readonly id: string;
  readonly tenantId: string;
  readonly callId: string | null;
  readonly kind: string;
  /** 1 for the first attempt; a crash or a retry raises it. */
  readonly attempt: number;
  readonly maxAttempts: number;
}

/**
 * What a handler gets for one attempt.
 *
 * **Idempotency contract.** A job runs at least once: a crash after its effect and before its success
 * is recorded runs it again (after its lease expires). So every effect must be keyed so that a second
 * run changes nothing:
 * - database effects: write them inside {@link JobContext.commit}, which commits them in the same
 *   transaction as the job's success (both or neither; a worker that lost its lease cannot commit), or
 *   as upserts keyed by {@link JobContext.idempotencyKey} or a natural key (the call id);
 * - effects elsewhere (HTTP): send {@link JobContext.idempotencyKey} (or an id derived from it, such
 *   as a webhook event id) so the receiver can drop the duplicate.
 */
export interface JobContext<P> {
  readonly job: JobInfo;
  /** The payload, validated by the handler's schema. */
  readonly payload: P;
  /** The job's idempotency key, or its id when it was enqueued without one: the same on every attempt. */
  readonly idempotencyKey: string;
  /** Aborted when the attempt times out, the lease is lost, or the server shuts down past its grace period. */
  readonly signal: AbortSignal;
  readonly db: Database;
  readonly clock: Clock;
  readonly logger: Logger;
  /**
   * Runs `work` in one transaction that also records the job's outcome: the effects and the success
   * commit together, or (lease lost, error) neither does. Call it at most once, as the last step.
   */
  commit(work: (tx: Executor) => Promise<JobOutcome>): Promise<JobOutcome>;
}

/** Delay before retry n (n = attempts made so far): full jitter over `min(capMs, baseMs · 2^(n-1))`. */
export interface BackoffPolicy {
  readonly baseMs: number;
  readonly capMs: number;
}

export interface JobHandlerDefinition<P> {
  /** The `kind` of the jobs it runs; one handler per kind. */
  readonly kind: string;
  /** Validates the stored payload; a payload that does not parse fails the job without retry. */
  readonly payload: z.ZodType<P>;
  readonly backoff?: BackoffPolicy;
  /** Aborts an attempt that runs longer (its `signal`), which then counts as a failed attempt. */
  readonly timeoutMs?: number;
  /** Throw to fail the attempt: {@link JobFailure} with `retryable: false` fails the job at once; anything else is retried. */
  run(ctx: JobContext<P>): Promise<JobOutcome>;
}

/** A handler with its payload type erased, as the worker pool holds them. */
export interface JobHandler {
  readonly kind: string;
  readonly backoff: BackoffPolicy;
  readonly timeoutMs: number;
  execute(payload: JsonObject, ctx: Omit<JobContext<unknown>, 'payload'>): Promise<JobOutcome>;
}

export const defaultBackoff: BackoffPolicy = { baseMs: 5_000, capMs: 15 * 60_000 };
const defaultTimeoutMs = 5 * 60_000;

/** A failure the handler knows about. `retryable: false` (the default) fails the job now: retrying cannot help. */
export class JobFailure extends Error {
  readonly retryable: boolean;

  constructor(message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'JobFailure';
    this.retryable = options.retryable ?? false;
  }
}

/** Whether another attempt could succeed: not for a non-retryable `JobFailure` or a non-retryable `AppError`. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof JobFailure) return error.retryable;
  if (isAppError(error)) return error.retryable;
  return true;
}

/** Declares the handler of a job kind; its payload is validated before `run` sees it. */
export function defineJobHandler<P>(definition: JobHandlerDefinition<P>): JobHandler {
  return {
    kind: definition.kind,
    backoff: definition.backoff ?? defaultBackoff,
    timeoutMs: definition.timeoutMs ?? defaultTimeoutMs,
    async execute(payload, ctx) {
      const parsed = definition.payload.safeParse(payload);
      if (!parsed.success) {
        throw new JobFailure(`invalid payload for ${definition.kind}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`);
      }
      return definition.run({ ...ctx, payload: parsed.data });
    },
  };
}
