import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import type { Database } from '../store/database.ts';
import { claimJobs, settleJob } from '../store/queries/jobs.ts';
import type { JobRow } from '../store/schema/jobs.ts';
import type { JobHandler } from './handler.ts';
import { startJob, type RunningJob } from './run-job.ts';

export interface JobWorkerPoolOptions {
  readonly db: Database;
  readonly clock: Clock;
  readonly logger: Logger;
  /** One per job kind; the pool claims only the kinds it has a handler for. */
  readonly handlers: readonly JobHandler[];
  /** Jobs run at once by this process (`JOB_CONCURRENCY`); 0 runs none. */
  readonly concurrency: number;
  /** Pause between polls when nothing is due (`JOB_POLL_INTERVAL_MS`). */
  readonly pollIntervalMs: number;
  /** How long a claim holds a job without a heartbeat (`JOB_LEASE_MS`); renewed every third of it. */
  readonly leaseMs: number;
  /** How long `stop()` waits for running jobs before it aborts them and gives their leases back. */
  readonly shutdownGraceMs: number;
  readonly workerId?: string;
  /** [0, 1) for the backoff jitter; `Math.random` by default. */
  readonly random?: () => number;
}

/**
 * This process's job workers: polls the queue, claims due jobs up to `concurrency`, runs them, and
 * polls again at once when a job finishes (more may be due). Constructing it does nothing; `start()`
 * begins polling and `stop()` ends it gracefully.
 */
export class JobWorkerPool {
  readonly workerId: string;
  readonly #options: JobWorkerPoolOptions;
  readonly #handlers: ReadonlyMap<string, JobHandler>;
  readonly #running = new Map<string, RunningJob>();
  /** Claims in flight (a poll and a `drain()` may claim at once). */
  readonly #claims = new Set<Promise<number>>();
  /** Jobs of this pool finished so far. */
  #finished = 0;
  #state: 'idle' | 'started' | 'stopping' | 'stopped' = 'idle';
  #cancelPoll: () => void = () => undefined;
  #polling: Promise<void> | undefined;
  #pollAgain = false;
  #stopped: Promise<void> | undefined;

  constructor(options: JobWorkerPoolOptions) {
    const handlers = new Map<string, JobHandler>();
    for (const handler of options.handlers) {
      if (handlers.has(handler.kind)) throw new Error(`two job handlers for kind ${handler.kind}`);
      handlers.set(handler.kind, handler);
    }
    this.#handlers = handlers;
    this.#options = options;
    this.workerId = options.workerId ?? `${hostname()}:${String(process.pid)}:${randomUUID().slice(0, 8)}`;
  }

  /** The job kinds this pool runs. */
  get kinds(): readonly string[] {
    return [...this.#handlers.keys()];
  }

  /** Jobs running in this process now. */
  get runningCount(): number {
    return this.#running.size;
  }

  /** Starts polling; does nothing with a concurrency of 0 or once stopped. */
  start(): void {
    if (this.#state !== 'idle' || this.#options.concurrency <= 0) return;
    this.#state = 'started';
    this.#options.logger.info({ workerId: this.workerId, concurrency: this.#options.concurrency, kinds: this.kinds }, 'job workers started');
    this.#schedule(0);
  }

  /** Polls now instead of at the next interval (work was just enqueued by this process). */
  wake(): void {
    if (this.#state !== 'started') return;
    if (this.#polling) this.#pollAgain = true;
    else this.#schedule(0);
  }

  /**
   * Claims the jobs due now, up to the free capacity, and starts them without waiting for them;
   * resolves with how many it started. Polling calls it; tests drive the pool with it.
   */
  async tick(): Promise<number> {
    const free = this.#options.concurrency - this.#running.size;
    if (free <= 0 || this.#state === 'stopping' || this.#state === 'stopped') return 0;
    const { db, clock, leaseMs } = this.#options;
    const claiming = claimJobs(db, { workerId: this.workerId, kinds: this.kinds, now: new Date(clock.nowMs()), leaseMs, limit: free }).then((claimed) => {
      for (const job of claimed) this.#launch(job);
      return claimed.length;
    });
    this.#claims.add(claiming);
    try {
      return await claiming;
    } finally {
      this.#claims.delete(claiming);
    }
  }

  /** Resolves when no job runs in this process. */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.all([...this.#running.values()].map((run) => run.done));
  }

  /** Runs jobs until none is due and none runs (tests, and one-shot processing); resolves with how many ran. */
  async drain(): Promise<number> {
    let started = 0;
    for (;;) {
      const finishedBefore = this.#finished;
      const now = await this.tick();
      started += now;
      if (this.#running.size > 0) {
        await Promise.race([...this.#running.values()].map((run) => run.done));
      } else if (this.#claims.size > 0) {
        // A poll is claiming at the same time (its rows were locked from this tick): wait for what it starts.
        await Promise.allSettled([...this.#claims]);
      } else if (now === 0 && this.#finished === finishedBefore) {
        // Nothing ran, and nothing finished while this tick looked (a job finishing then may have enqueued more).
        return started;
      }
    }
  }

  /**
   * Stops claiming, waits up to `shutdownGraceMs` for the running jobs, then aborts the rest and gives
   * their leases back (queued again, the attempt not counted), so the next process runs them at once
   * instead of waiting for the lease to expire. Idempotent.
   */
  stop(): Promise<void> {
    if (this.#stopped === undefined) {
      this.#state = 'stopping';
      this.#cancelPoll();
      // The grace period counts from this call.
      let cancelGrace: () => void = () => undefined;
      const graceOver = new Promise<'grace_over'>((resolve) => {
        cancelGrace = this.#options.clock.setTimer(this.#options.shutdownGraceMs, () => {
          resolve('grace_over');
        });
      });
      this.#stopped = this.#stop(graceOver).finally(cancelGrace);
    }
    return this.#stopped;
  }

  async #stop(graceOver: Promise<'grace_over'>): Promise<void> {
    const { clock, db, logger } = this.#options;
    await this.#polling;
    const outcome = await Promise.race([this.idle().then(() => 'idle' as const), graceOver]);
    if (outcome === 'grace_over' && this.#running.size > 0) {
      const left = [...this.#running.values()];
      logger.warn({ jobs: left.length }, 'job workers stopping: giving back the leases of unfinished jobs');
      for (const run of left) run.abortForShutdown();
      const at = new Date(clock.nowMs());
      await Promise.all(
        left.map((run) =>
          settleJob(db, run.lease, { status: 'queued', runAt: at, error: null, refundAttempt: true }, at).catch((error: unknown) => {
            logger.warn({ err: error, jobId: run.lease.jobId }, 'job lease could not be given back; it will expire');
          }),
        ),
      );
    }
    this.#state = 'stopped';
  }

  #launch(job: JobRow): void {
    const handler = this.#handlers.get(job.kind);
    if (!handler) throw new Error(`claimed a job of kind ${job.kind} without a handler`);
    const { db, clock, logger, leaseMs } = this.#options;
    const run = startJob(job, handler, { db, clock, logger, leaseMs, workerId: this.workerId, random: this.#options.random ?? Math.random });
    this.#running.set(job.id, run);
    void run.done.then(() => {
      this.#running.delete(job.id);
      this.#finished += 1;
      this.wake();
    });
  }

  #schedule(delayMs: number): void {
    this.#cancelPoll();
    this.#cancelPoll = this.#options.clock.setTimer(delayMs, () => {
      this.#poll();
    });
  }

  #poll(): void {
    if (this.#state !== 'started') return;
    if (this.#polling) {
      this.#pollAgain = true;
      return;
    }
    // A job that finishes wakes the pool, so a full pool continues without waiting for the interval.
    this.#polling = this.tick()
      .then(
        () => undefined,
        (error: unknown) => {
          this.#options.logger.warn({ err: error }, 'job poll failed; retrying at the next interval');
        },
      )
      .then(() => {
        this.#polling = undefined;
        if (this.#state !== 'started') return;
        const again = this.#pollAgain;
        this.#pollAgain = false;
        this.#schedule(again ? 0 : this.#options.pollIntervalMs);
      });
  }
}
