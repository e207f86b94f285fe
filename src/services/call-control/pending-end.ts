import type { Clock } from '../../core/clock.ts';

/**
 * What came of handing an end request to the other instances: `ended` (the instance running the call
 * said it has ended), `acknowledged` (it said it runs the call, but had not ended it within the wait),
 * or `unanswered` (no instance said it runs the call within the acknowledgement window).
 */
export type HandOffResult = 'ended' | 'acknowledged' | 'unanswered';

/**
 * One end request waiting for the answers of the other instances, on two timers: none answers within
 * `ackMs` → `unanswered`; answered but not ended within `waitMs` (from the start) → `acknowledged`.
 * Settles once; later answers are ignored.
 */
export class PendingEnd {
  readonly result: Promise<HandOffResult>;
  #acknowledged = false;
  #settle: (result: HandOffResult) => void = () => undefined;
  readonly #cancelTimers: Array<() => void> = [];

  constructor(clock: Clock, timing: { readonly ackMs: number; readonly waitMs: number }) {
    this.result = new Promise<HandOffResult>((resolve) => {
      let settled = false;
      this.#settle = (result) => {
        if (settled) return;
        settled = true;
        for (const cancel of this.#cancelTimers) cancel();
        resolve(result);
      };
    });
    this.#cancelTimers.push(
      clock.setTimer(timing.ackMs, () => {
        if (!this.#acknowledged) this.#settle('unanswered');
      }),
      clock.setTimer(timing.waitMs, () => {
        this.#settle(this.#acknowledged ? 'acknowledged' : 'unanswered');
      }),
    );
  }

  /** The instance running the call answered: wait on for it to end, up to the whole wait. */
  acknowledge(): void {
    this.#acknowledged = true;
  }

  ended(): void {
    this.#settle('ended');
  }

  /** Stops waiting now (shutdown), with what is known so far. */
  abandon(): void {
    this.#settle(this.#acknowledged ? 'acknowledged' : 'unanswered');
  }
}
