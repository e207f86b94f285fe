/**
 * Paces the sink writes of every call in the process so that the event loop turns between any two
 * of them. Embedded PGlite runs each query synchronously on the main thread and starts the next
 * queued query in a microtask, so twenty writes queued at once (twenty calls finishing a turn
 * together) would otherwise run back to back and hold every call's audio for their whole duration.
 *
 * A write may start only in its own turn of the event loop (after I/O has been polled), one per
 * turn, and at most `maxInFlight` run at once (for a networked database, whose writes overlap). A
 * write waits at most one loop turn per write queued before it: turns are still written at once.
 */

export interface WritePacerOptions {
  /** Writes running at the same time, at most. */
  readonly maxInFlight: number;
}

/** Grants write starts one per event-loop turn. */
export class WritePacer {
  readonly #maxInFlight: number;
  readonly #waiting: (() => void)[] = [];
  #inFlight = 0;
  #scheduled = false;

  constructor(options: WritePacerOptions = { maxInFlight: 16 }) {
    this.#maxInFlight = Math.max(1, options.maxInFlight);
  }

  /** Writes started and not yet settled. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Writes waiting for their turn. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** Runs `write` in its own loop turn once a slot is free; settles as `write` does. */
  async run<T>(write: () => Promise<T>): Promise<T> {
    await new Promise<void>((resolve) => {
      this.#waiting.push(resolve);
      this.#schedule();
    });
    try {
      return await write();
    } finally {
      this.#inFlight -= 1;
      this.#schedule();
    }
  }

  #schedule(): void {
    if (this.#scheduled || this.#waiting.length === 0 || this.#inFlight >= this.#maxInFlight) return;
    this.#scheduled = true;
    // setImmediate, not a timer: this is a turn of the loop, not a delay, and it never keeps the process alive longer than the write would.
    setImmediate(() => {
      this.#scheduled = false;
      if (this.#inFlight >= this.#maxInFlight) return;
      const next = this.#waiting.shift();
      if (next === undefined) return;
      this.#inFlight += 1;
      next();
      this.#schedule();
    });
  }
}

/**
 * The process's pacer, shared by every call's `SinkWriter` unless one is injected: there is one
 * event loop (and at most one embedded database) per process, so pacing per call would not help.
 */
export const processWritePacer = new WritePacer();
