import type { CallSink, CallUsageTotals, FinishedTurn, LatencyTotals } from '../../runtime/ports.ts';

type FinishParams = Parameters<CallSink['finish']>[0];

/** One successful write, in the order the sink received it. */
export type SinkWrite =
  | { readonly kind: 'markActive'; readonly atMs: number }
  | { readonly kind: 'saveTurn'; readonly turn: FinishedTurn }
  | { readonly kind: 'appendEvent'; readonly type: string; readonly data: Record<string, unknown>; readonly atMs: number }
  | { readonly kind: 'saveMetrics'; readonly usage: CallUsageTotals; readonly latency: LatencyTotals; readonly atMs: number }
  | { readonly kind: 'finish'; readonly params: FinishParams };

export type SinkWriteKind = SinkWrite['kind'];

/**
 * An in-memory {@link CallSink} that keeps every write. Turns follow the store's rule: writing the
 * same `seq` again replaces the turn. Tests can make writes fail (`failNext`) or wait (`hold`), and
 * `maxConcurrentWrites` shows whether anything wrote in parallel.
 */
export class RecordingSink implements CallSink {
  /** Successful writes, in order. */
  readonly writes: SinkWrite[] = [];
  /** Attempts that failed on purpose, in order. */
  readonly failedWrites: SinkWriteKind[] = [];
  maxConcurrentWrites = 0;
  readonly #turns = new Map<number, FinishedTurn>();
  readonly #failures = new Map<SinkWriteKind, number>();
  #held: Promise<void> | null = null;
  #release: () => void = () => undefined;
  #inFlight = 0;

  /** The stored transcript: the latest write of each `seq`, in `seq` order. */
  get transcript(): FinishedTurn[] {
    return [...this.#turns.values()].sort((a, b) => a.seq - b.seq);
  }

  /** Every turn write, including rewrites of the same `seq`. */
  get turnWrites(): FinishedTurn[] {
    return this.writes.flatMap((write) => (write.kind === 'saveTurn' ? [write.turn] : []));
  }

  get events(): { readonly type: string; readonly data: Record<string, unknown>; readonly atMs: number }[] {
    return this.writes.flatMap((write) => (write.kind === 'appendEvent' ? [write] : []));
  }

  get metrics(): { readonly usage: CallUsageTotals; readonly latency: LatencyTotals; readonly atMs: number }[] {
    return this.writes.flatMap((write) => (write.kind === 'saveMetrics' ? [write] : []));
  }

  get finishes(): FinishParams[] {
    return this.writes.flatMap((write) => (write.kind === 'finish' ? [write.params] : []));
  }

  get activeAtMs(): number | null {
    const write = this.writes.find((w) => w.kind === 'markActive');
    return write?.kind === 'markActive' ? write.atMs : null;
  }

  /** The next `times` writes of `kind` reject. */
  failNext(kind: SinkWriteKind, times = 1): void {
    this.#failures.set(kind, (this.#failures.get(kind) ?? 0) + times);
  }

  /** Every write from now on waits until `release()`. */
  hold(): void {
    this.#held ??= new Promise((resolve) => {
      this.#release = resolve;
    });
  }

  release(): void {
    this.#release();
    this.#held = null;
  }

  markActive(atMs: number): Promise<void> {
    return this.#write({ kind: 'markActive', atMs });
  }

  saveTurn(turn: FinishedTurn): Promise<void> {
    return this.#write({ kind: 'saveTurn', turn }, () => this.#turns.set(turn.seq, turn));
  }

  appendEvent(type: string, data: Record<string, unknown>, atMs: number): Promise<void> {
    return this.#write({ kind: 'appendEvent', type, data, atMs });
  }

  saveMetrics(usage: CallUsageTotals, latency: LatencyTotals, atMs: number): Promise<void> {
    return this.#write({ kind: 'saveMetrics', usage, latency, atMs });
  }

  finish(params: FinishParams): Promise<void> {
    return this.#write({ kind: 'finish', params });
  }

  async #write(write: SinkWrite, apply?: () => void): Promise<void> {
    this.#inFlight += 1;
    this.maxConcurrentWrites = Math.max(this.maxConcurrentWrites, this.#inFlight);
    try {
      if (this.#held !== null) await this.#held;
      const failures = this.#failures.get(write.kind) ?? 0;
      if (failures > 0) {
        this.#failures.set(write.kind, failures - 1);
        this.failedWrites.push(write.kind);
        throw new Error(`RecordingSink: injected ${write.kind} failure`);
      }
      apply?.();
      this.writes.push(write);
    } finally {
      this.#inFlight -= 1;
    }
  }
}
