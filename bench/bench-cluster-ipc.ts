/**
 * The IPC between a call benchmark (the cluster's primary, bench-cluster.ts) and each of the server's
 * worker processes in cluster mode (`--workers N`): the worker side, and the messages both sides use.
 *
 * - `{ type: 'ping', id }` → `{ type: 'pong', id, atMs }` (clock alignment, bench-process.ts);
 * - `{ type: 'monitor-start' }`, then `{ type: 'monitor-stop' }` → `{ type: 'monitor-stopped', stats }`:
 *   this worker's CPU, loop delay and GC over the measured window;
 * - `{ type: 'memory' }` → `{ type: 'memory-sampled', heapUsed, external, rss }`, live memory after full GCs;
 * - `{ type: 'collect', part }` → `{ type: 'collected', part, data }`: what the bench's hooks recorded.
 *
 * The sticky-session library shares the channel (`sticky:*` messages); anything else is ignored here.
 */
import { answerPing, liveMemoryBytes, ProcessMonitor, type ProcessStats } from './bench-process.ts';

export type BenchWorkerRequest =
  | { readonly type: 'ping'; readonly id: number }
  | { readonly type: 'monitor-start' }
  | { readonly type: 'monitor-stop' }
  | { readonly type: 'memory' }
  | { readonly type: 'collect'; readonly part: string };

export type BenchWorkerReply =
  | { readonly type: 'pong'; readonly id: number; readonly atMs: number }
  | { readonly type: 'monitor-stopped'; readonly stats: ProcessStats }
  | { readonly type: 'memory-sampled'; readonly heapUsed: number; readonly external: number; readonly rss: number }
  | { readonly type: 'collected'; readonly part: string; readonly data: unknown }
  | { readonly type: 'failed'; readonly message: string };

/** Serves the bench's requests in a server worker; `collect(part)` answers `collect` (JSON-serialisable). */
export function serveBenchWorker(collect: (part: string) => unknown): void {
  const monitor = new ProcessMonitor();
  const reply = (message: BenchWorkerReply): void => {
    process.send?.(message);
  };
  process.on('message', (message: unknown) => {
    if (typeof message !== 'object' || message === null || !('type' in message) || typeof message.type !== 'string') return;
    const request = message as BenchWorkerRequest;
    if (answerPing(request)) return;
    switch (request.type) {
      case 'monitor-start':
        monitor.start();
        return;
      case 'monitor-stop':
        reply({ type: 'monitor-stopped', stats: monitor.stop() });
        return;
      case 'memory':
        void liveMemoryBytes().then((live) => {
          reply({ type: 'memory-sampled', ...live, rss: process.memoryUsage().rss });
        });
        return;
      case 'collect':
        reply({ type: 'collected', part: request.part, data: collect(request.part) });
        return;
      default:
        return;
    }
  });
}
