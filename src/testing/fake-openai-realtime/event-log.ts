import type { Clock } from '../../core/clock.ts';
import type { ObservedEvent } from './types.ts';

interface Waiter {
  readonly predicate: (event: ObservedEvent) => boolean;
  cursor: number;
  readonly resolve: (event: ObservedEvent) => void;
}

/**
 * Every event the server sent or received, in order, with waiters that resolve on the first match.
 * Each waiter remembers how far it has looked, so a long benchmark log is scanned once per waiter.
 */
export class EventLog {
  readonly #entries: ObservedEvent[] = [];
  readonly #waiters = new Set<Waiter>();
  readonly #clock: Clock;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  get entries(): readonly ObservedEvent[] {
    return this.#entries;
  }

  push(event: ObservedEvent): void {
    this.#entries.push(event);
    for (const waiter of this.#waiters) this.#check(waiter);
  }

  /** The first event, already logged or still to come, matching `predicate`. */
  waitFor(predicate: (event: ObservedEvent) => boolean, timeoutMs: number): Promise<ObservedEvent> {
    return new Promise((resolve, reject) => {
      const cancelTimer = this.#clock.setTimer(timeoutMs, () => {
        this.#waiters.delete(waiter);
        reject(new Error(`No matching realtime event within ${String(timeoutMs)} ms (${String(this.#entries.length)} events logged)`));
      });
      const waiter: Waiter = {
        predicate,
        cursor: 0,
        resolve: (event) => {
          cancelTimer();
          this.#waiters.delete(waiter);
          resolve(event);
        },
      };
      this.#waiters.add(waiter);
      this.#check(waiter);
    });
  }

  #check(waiter: Waiter): void {
    while (waiter.cursor < this.#entries.length) {
      const event = this.#entries[waiter.cursor];
      waiter.cursor += 1;
      if (event !== undefined && waiter.predicate(event)) {
        waiter.resolve(event);
        return;
      }
    }
  }
}
