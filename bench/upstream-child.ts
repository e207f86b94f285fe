/**
 * The fake OpenAI Realtime upstream's side of the call benchmarks (relay-upstream.ts, phone-upstream.ts):
 * each runs the fake in its own child process, so its CPU (JSON parsing, VAD, paced replies) stays out
 * of the measured server process, and talks to the parent over IPC:
 *
 * - on start-up it sends `{ type: 'ready', baseUrl }`;
 * - `{ type: 'ping', id }` → `{ type: 'pong', id, atMs }` (clock alignment, bench-process.ts);
 * - `{ type: 'monitor-start' }` / `{ type: 'monitor-stop' }` bracket the measured window;
 * - `{ type: 'collect' }` → `{ type: 'collected', … }`: what the bench recorded, and this process's stats;
 * - a failure at start-up is `{ type: 'failed', message }`; when the parent disconnects, the fake closes
 *   and the process exits.
 */
import type { FakeRealtimeServer } from '../src/testing/fake-openai-realtime/index.ts';
import { answerPing, describeError, ProcessMonitor, type ProcessStats } from './bench-process.ts';

/** Replies the fake gives every turn: 800 ms of audio, paced in real time in 100 ms deltas. */
export const REPLY_AUDIO_MS = 800;
/** The text of every reply. */
export const REPLY_TEXT = 'Sure, tell me more about that.';

export type UpstreamParentMessage =
  | { readonly type: 'ping'; readonly id: number }
  | { readonly type: 'monitor-start' }
  | { readonly type: 'monitor-stop' }
  | { readonly type: 'collect' };

/** What the upstream child sends, with the bench's own `collected` message. */
export type UpstreamChildMessageOf<Collected extends { readonly type: 'collected' }> =
  | { readonly type: 'ready'; readonly baseUrl: string }
  | { readonly type: 'pong'; readonly id: number; readonly atMs: number }
  | Collected
  | { readonly type: 'failed'; readonly message: string };

export interface UpstreamHooks<Collected> {
  /** The answer to `collect`, with this process's stats over the window (null if it was never measured). */
  collect(stats: ProcessStats | null): Collected;
  /** Runs once the window closed (after this process's stats were taken). */
  onMonitorStop?(): void;
  /** Runs when the parent disconnects, before the fake closes. */
  onDisconnect?(): void;
}

/** Serves the parent's IPC for `fake` (see the module comment) and says it is ready. */
export function serveUpstream<Collected extends { readonly type: 'collected' }>(fake: FakeRealtimeServer, hooks: UpstreamHooks<Collected>): void {
  const monitor = new ProcessMonitor();
  let stats: ProcessStats | null = null;
  process.on('message', (message: UpstreamParentMessage) => {
    if (answerPing(message)) return;
    switch (message.type) {
      case 'monitor-start':
        monitor.start();
        return;
      case 'monitor-stop':
        stats = monitor.stop();
        hooks.onMonitorStop?.();
        return;
      case 'collect':
        process.send?.(hooks.collect(stats));
        return;
      default:
        return;
    }
  });
  process.on('disconnect', () => {
    hooks.onDisconnect?.();
    void fake.close().finally(() => process.exit(0));
  });
  process.send?.({ type: 'ready', baseUrl: fake.baseUrl } satisfies UpstreamChildMessageOf<Collected>);
}

/** Runs `main` when this process is the bench's upstream child (`<envFlag>=1`); a failure is reported to the parent. */
export function runUpstreamChild(envFlag: string, main: () => Promise<void>): void {
  if (process.env[envFlag] !== '1') return;
  main().catch((error: unknown) => {
    process.send?.({ type: 'failed', message: describeError(error) });
  });
}
