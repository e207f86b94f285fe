/**
 * The simulated callers' side of the call benchmarks (relay-client.ts, phone-client.ts): each runs its
 * calls in a child process, so their CPU stays out of the server's measurement, and talks to the parent
 * over IPC:
 *
 * - `{ type: 'ping', id }` → `{ type: 'pong', id, atMs }` (clock alignment, bench-process.ts);
 * - `{ type: 'run', … }` runs the bench's calls, which report as they go; a run that throws is
 *   `{ type: 'failed', message }`;
 * - a run ends its measured window with {@link streamedThenHangUp}, which waits for the parent's
 *   `{ type: 'hangup' }` (the parent measures memory with the calls still live);
 * - when the parent disconnects, the process exits.
 *
 * Both benches' callers speak the same pattern: {@link BURST_MS} of tone, which the fake upstream's
 * energy VAD takes for speech, in every {@link PERIOD_MS}; the silence between ends the turn.
 */
import { answerPing, describeError } from './bench-process.ts';

/** Speech pattern: 1 s of tone (speech to the fake's energy VAD) then 2.5 s of silence (ends the turn). */
export const BURST_MS = 1000;
export const PERIOD_MS = 3500;
/** After the last frame: time for the last replies to play out before the window closes. */
export const PLAYOUT_MS = 2500;

let hangUp: () => void = () => undefined;

/** Sends `streamed` to the parent and resolves once the parent says `hangup`. */
export function streamedThenHangUp(streamed: { readonly type: 'streamed'; readonly [field: string]: unknown }): Promise<void> {
  const hungUp = new Promise<void>((resolve) => {
    hangUp = resolve;
  });
  process.send?.(streamed);
  return hungUp;
}

/** Serves the parent's IPC (see the module comment), handing each `run` message to `run`. */
// `Run` is the bench's own run message: a callback typed by the bare constraint could not take it (parameters are contravariant).
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
export function serveCallers<Run extends { readonly type: 'run' }>(run: (message: Run) => Promise<void>): void {
  process.on('message', (message: Run | { readonly type: 'ping'; readonly id: number } | { readonly type: 'hangup' }) => {
    if (answerPing(message)) return;
    if (message.type === 'hangup') {
      hangUp();
      return;
    }
    if (message.type !== 'run') return;
    run(message).catch((error: unknown) => {
      process.send?.({ type: 'failed', message: describeError(error) });
    });
  });
  process.on('disconnect', () => {
    process.exit(0);
  });
}
