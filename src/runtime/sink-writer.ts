/**
 * Serial, failure-tolerant writes to a call's sink. Writes run one at a time in the order they were
 * queued, so a turn can never overtake the turn before it; a failed write is logged and retried once,
 * and a second failure is logged and dropped: persistence trouble never ends a live call. Each write
 * starts in its own turn of the event loop (see write-pacer.ts), so the database never holds up
 * every call's audio at once.
 */
import type { Logger } from '../core/logger.ts';
import { processWritePacer, type WritePacer } from './write-pacer.ts';

/** Queues sink writes so they never interleave. `enqueue` never throws and the queue never rejects. */
export class SinkWriter {
  readonly #logger: Logger;
  readonly #pacer: WritePacer;
  #tail: Promise<void> = Promise.resolve();
  #pending = 0;

  constructor(logger: Logger, pacer: WritePacer = processWritePacer) {
    this.#logger = logger;
    this.#pacer = pacer;
  }

  /** Writes still queued or running. */
  get pending(): number {
    return this.#pending;
  }

  /**
   * Queues `write` after every write queued before it. `label` names the write in logs (static text,
   * never data). The returned promise settles when this write has succeeded or been given up.
   */
  enqueue(label: string, write: () => Promise<void>): Promise<void> {
    this.#pending += 1;
    const run = this.#tail.then(() => this.#attempt(label, write));
    this.#tail = run.finally(() => {
      this.#pending -= 1;
    });
    return this.#tail;
  }

  /** Resolves once every write queued so far has settled. */
  drain(): Promise<void> {
    return this.#tail;
  }

  async #attempt(label: string, write: () => Promise<void>): Promise<void> {
    try {
      await this.#pacer.run(write);
      return;
    } catch (error) {
      this.#logger.warn({ err: error, write: label }, 'call sink write failed; retrying once');
    }
    try {
      await this.#pacer.run(write);
    } catch (error) {
      this.#logger.error({ err: error, write: label }, 'call sink write failed twice; dropped');
    }
  }
}
