/**
 * What the primary does around each connection it hands a worker (`@socket.io/sticky` sends the
 * socket's handle with the request's first bytes):
 *
 * 1. **It stops reading the socket first.** Node sends a socket's handle and closes the primary's copy
 *    only once the worker acknowledges it; meanwhile the primary's copy keeps polling the socket with its
 *    reads thrown away (`onread = nop`). The worker can already have answered (the WebSocket `101`), and a
 *    fast client's next bytes (Socket.IO's `CONNECT`, Twilio's `connected` and `start`) were then read by
 *    the primary and lost: about one Socket.IO call in 50 at 100 calls hung without `call-started`
 *    (bench/relay.ts `--workers 2`). Stopping the read before the hand-over closes that window.
 * 2. **Calls arriving together are spread.** The library picks the worker with the lowest
 *    `worker.clientsCount`, and that count only rises when the worker reports the new connection back over
 *    IPC, milliseconds later. Calls that ring together (a campaign of outbound calls, a hundred clients
 *    reconnecting after a deploy) all arrive before any report and would all land on the same worker. So
 *    each WebSocket upgrade the primary hands a worker counts for that worker at once, for
 *    `HANDOFF_WEIGHT_MS`, by which time the worker's own report has long taken over (the connection is
 *    then briefly counted twice, on whichever worker took it, which keeps the spread even).
 */
import type { Worker } from 'node:cluster';
import type { Socket } from 'node:net';
import type { Clock } from '../core/clock.ts';

/**
 * How long a new connection may stay silent before the primary closes it. The primary reads each
 * connection's first bytes to route it; until they come it holds the socket itself, where no HTTP server's
 * header timeout applies (Node's own `headersTimeout` is 60 s).
 */
export const FIRST_BYTES_TIMEOUT_MS = 30_000;

/** Closes `socket` unless it sends something within `timeoutMs`; once it has, the primary sets no limit of its own. */
export function guardFirstBytes(socket: Socket, timeoutMs: number): void {
  socket.setTimeout(timeoutMs, () => {
    socket.destroy();
  });
  socket.once('data', () => {
    socket.setTimeout(0);
  });
}

/** How long a handed-over upgrade counts before the worker's own report alone carries it. */
export const HANDOFF_WEIGHT_MS = 2_000;

/** A cluster worker as the balancing library sees it. */
export type BalancedWorker = Worker & { clientsCount?: number };

const UPGRADE_HEADER = /\r\nupgrade:[ \t]*websocket/i;

/** Whether an IPC message from the primary hands a connection over (the socket goes with it). */
function isStickyHandoff(message: unknown): boolean {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'sticky:connection';
}

/** Whether an IPC message from the primary hands over a WebSocket upgrade request (the socket with the request's first bytes). */
export function isUpgradeHandoff(message: unknown): boolean {
  if (!isStickyHandoff(message)) return false;
  const { data } = message as { data?: unknown };
  const head = Buffer.isBuffer(data) ? data.toString('latin1', 0, Math.min(data.length, 8192)) : typeof data === 'string' ? data.slice(0, 8192) : '';
  const end = head.indexOf('\r\n\r\n');
  return UPGRADE_HEADER.test(end < 0 ? head : head.slice(0, end));
}

/** The libuv handle under a `net.Socket` (Node's own `_handle`; `readStop` is the TCP wrap's). */
interface SocketWithHandle {
  readonly _handle?: { readStop?: () => number } | null;
  pause(): unknown;
}

/** Stops the primary reading a socket it is about to hand over (see 1. above). */
export function stopReading(socket: unknown): void {
  if (typeof socket !== 'object' || socket === null || !('pause' in socket)) return;
  const handed = socket as SocketWithHandle;
  handed.pause();
  handed._handle?.readStop?.();
}

/** Wraps `worker.send` so that every hand-over stops the primary's reads first and every upgrade counts for the worker at once, for `weightMs`. */
export function watchHandoffs(worker: BalancedWorker, clock: Clock, weightMs = HANDOFF_WEIGHT_MS): void {
  // Worker['send'] is overloaded; the wrapper passes whatever it is given through unchanged.
  const send = worker.send.bind(worker) as (...args: unknown[]) => boolean;
  worker.send = (...args: unknown[]): boolean => {
    const [message, handle] = args;
    if (isStickyHandoff(message)) stopReading(handle);
    if (isUpgradeHandoff(message)) {
      worker.clientsCount = (worker.clientsCount ?? 0) + 1;
      clock.setTimer(weightMs, () => {
        worker.clientsCount = (worker.clientsCount ?? 0) - 1;
      });
    }
    return send(...args);
  };
}
