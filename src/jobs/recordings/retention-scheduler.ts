/**
 * Runs recording retention periodically: at start and then every `intervalMs`, it finds the tenants with
 * recordings due (expired, or left unfinished by a stopped server) and enqueues one
 * `recordings.retention` job per tenant under the key `recordings.retention:<tenantId>:<period>`. Every
 * instance runs this timer; the key makes it one job per tenant and period whichever instance enqueues
 * first, and the job itself is durable (a crash mid-sweep is retried by any worker).
 *
 * Each sweep also deletes this instance's recording files whose row is gone (their call or tenant was
 * deleted) once they are an hour old: plain file-system hygiene, repeated every sweep until done.
 */
import type { Clock } from '../../core/clock.ts';
import type { Logger } from '../../core/logger.ts';
import type { Database } from '../../store/database.ts';
import { deleteOrphanRecordingFiles } from '../../services/recordings/orphan-files.ts';
import { listTenantsWithDueRecordings } from '../../store/queries/recordings.ts';
import { enqueue } from '../queue.ts';
import { RECORDING_RETENTION_JOB } from './retention-handler.ts';

export interface RecordingRetentionSchedulerDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Time between sweeps (default one hour). */
  readonly intervalMs?: number;
  /** As the handler's: a `recording` row older than this is unfinished. */
  readonly staleAfterMs: number;
  /** Lets this process's workers pick the jobs up at once. */
  readonly wake?: () => void;
  /** `<DATA_DIR>/recordings`, swept for files whose row is gone; unset: not swept. */
  readonly root?: string;
}

/** A file without a row is left alone this long (its row may be on its way). */
const ORPHAN_MIN_AGE_MS = 60 * 60_000;

export const DEFAULT_RETENTION_SWEEP_MS = 60 * 60_000;

export class RecordingRetentionScheduler {
  readonly #deps: RecordingRetentionSchedulerDeps;
  readonly #intervalMs: number;
  #cancel: (() => void) | null = null;
  #running: Promise<number> | null = null;
  #stopped = false;

  constructor(deps: RecordingRetentionSchedulerDeps) {
    this.#deps = deps;
    this.#intervalMs = deps.intervalMs ?? DEFAULT_RETENTION_SWEEP_MS;
  }

  /** Sweeps now, then every interval until `stop()`. */
  start(): void {
    this.#stopped = false;
    this.#tick();
  }

  /** Cancels the timer and waits for a sweep in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#cancel?.();
    this.#cancel = null;
    await this.#running?.catch(() => 0);
  }

  /** Enqueues this period's retention job for every tenant with recordings due; returns how many it asked for. */
  async sweep(): Promise<number> {
    const { db, clock, staleAfterMs } = this.#deps;
    const nowMs = clock.nowMs();
    const now = new Date(nowMs);
    const period = Math.floor(nowMs / this.#intervalMs);
    const tenants = await listTenantsWithDueRecordings(db, { now, staleBefore: new Date(nowMs - staleAfterMs) });
    for (const tenantId of tenants) {
      await enqueue(db, { tenantId, kind: RECORDING_RETENTION_JOB, payload: {}, idempotencyKey: `${RECORDING_RETENTION_JOB}:${tenantId}:${period}`, maxAttempts: 5, at: now });
    }
    if (tenants.length > 0) this.#deps.wake?.();
    if (this.#deps.root !== undefined) {
      const removed = await deleteOrphanRecordingFiles(db, this.#deps.root, { nowMs, minAgeMs: ORPHAN_MIN_AGE_MS });
      if (removed > 0) this.#deps.logger.info({ removed }, 'deleted recording files of deleted calls');
    }
    return tenants.length;
  }

  #tick(): void {
    if (this.#stopped) return;
    this.#running = this.sweep().catch((error: unknown) => {
      this.#deps.logger.error({ err: error }, 'recording retention sweep failed; next one at the next interval');
      return 0;
    });
    void this.#running.finally(() => {
      if (!this.#stopped) this.#cancel = this.#deps.clock.setTimer(this.#intervalMs, () => { this.#tick(); });
    });
  }
}
