/** Time source for everything that measures or schedules: integer milliseconds since the epoch. */
export interface Clock {
  nowMs(): number;
  /** Runs `fn` after `delayMs`; the returned function cancels it. Timers never keep the process alive. */
  setTimer(delayMs: number, fn: () => void): () => void;
}

export const systemClock: Clock = {
  nowMs: () => Date.now(),
  setTimer(delayMs, fn) {
    const handle = setTimeout(fn, delayMs);
    handle.unref();
    return () => {
      clearTimeout(handle);
    };
  },
};
