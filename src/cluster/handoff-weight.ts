/**
 * Burst arrivals in the primary's `least-connection` balancing. `@socket.io/sticky` picks the worker
 * with the lowest `worker.clientsCount`, and that count only rises when the worker reports the new
 * connection back over IPC, milliseconds later. Calls that ring together (a campaign of outbound calls,
 * a hundred clients reconnecting after a deploy) all arrive before any report and would all land on the
 * same worker. So each WebSocket upgrade the primary hands a worker counts for that worker at once, for
 * `HANDOFF_WEIGHT_MS`, by which time the worker's own report has long taken over (the connection is then
 * briefly counted twice, on whichever worker took it, which keeps the spread even).
 */
import type { Worker } from 'node:cluster';
import type { Clock } from '../core/clock.ts';

/** How long a handed-over upgrade counts before the worker's own report alone carries it. */
export const HANDOFF_WEIGHT_MS = 2_000;

/** A cluster worker as the balancing library sees it. */
export type BalancedWorker = Worker & { clientsCount?: number };

const UPGRADE_HEADER = /\r\nupgrade:[ \t]*websocket/i;

/** Whether an IPC message from the primary hands over a WebSocket upgrade request (the socket with the request's first bytes). */
export function isUpgradeHandoff(message: unknown): boolean {
  if (typeof message !== 'object' || message === null) return false;
  const { type, data } = message as { type?: unknown; data?: unknown };
  if (type !== 'sticky:connection') return false;
  const head = Buffer.isBuffer(data) ? data.toString('latin1', 0, Math.min(data.length, 8192)) : typeof data === 'string' ? data.slice(0, 8192) : '';
  const end = head.indexOf('\r\n\r\n');
  return UPGRADE_HEADER.test(end < 0 ? head : head.slice(0, end));
}

/** Makes every upgrade handed to `worker` count in its `clientsCount` at once, for `weightMs`. */
export function weighHandoffs(worker: BalancedWorker, clock: Clock, weightMs = HANDOFF_WEIGHT_MS): void {
  // Worker['send'] is overloaded; the wrapper passes whatever it is given through unchanged.
  const send = worker.send.bind(worker) as (...args: unknown[]) => boolean;
  worker.send = (...args: unknown[]): boolean => {
    if (isUpgradeHandoff(args[0])) {
      worker.clientsCount = (worker.clientsCount ?? 0) + 1;
      clock.setTimer(weightMs, () => {
        worker.clientsCount = (worker.clientsCount ?? 0) - 1;
      });
    }
    return send(...args);
  };
}
