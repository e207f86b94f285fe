/**
 * One worker of cluster mode (docs/cluster.md): the whole application, as a single process builds it,
 * except that it never listens. The primary owns the port and hands each connection over IPC
 * (`@socket.io/sticky`): connections without a request body arrive as the socket itself (WebSocket
 * upgrades, Socket.IO polling GETs, REST GETs), requests with a body are relayed by the primary.
 */
import type { SendHandle } from 'node:child_process';
import cluster from 'node:cluster';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { setupWorker } from '@socket.io/sticky';
import { createApplication, type Application } from '../app.ts';
import type { Config } from '../config/config.ts';
import type { Logger } from '../core/logger.ts';
import { isClusterMessage, isStickyMessage, type ClusterMessage } from './cluster-messages.ts';

/** How long a worker's own shutdown may take before it exits anyway (the primary waits longer). */
const WORKER_SHUTDOWN_LIMIT_MS = 10_000;

function send(message: ClusterMessage | { readonly type: string; readonly data: string }): void {
  // A send fails only once the primary is gone, and then `disconnect` shuts this worker down.
  process.send?.(message, undefined, {}, () => undefined);
}

/**
 * Keeps the primary's connection messages that arrive before the application is ready (a worker just
 * started may be picked before it says it is ready, when every worker is starting), and hands them to
 * the sticky handler once it exists, so no connection is dropped. The handed sockets buffer what they
 * read meanwhile.
 */
function holdConnections(): { release(): void } {
  const held: [unknown, SendHandle][] = [];
  const hold = (message: unknown, handle: SendHandle): void => {
    if (isStickyMessage(message)) held.push([message, handle]);
  };
  process.on('message', hold);
  return {
    release() {
      process.off('message', hold);
      for (const [message, handle] of held.splice(0)) process.emit('message', message, handle);
    },
  };
}

/**
 * Counts this worker's WebSocket connections other than Socket.IO's (Twilio media streams, the plain
 * WebSocket protocol, AURA's sockets) in the primary's `least-connection` balancing. The library counts
 * Socket.IO sessions only, so without this every phone call would go to the first worker. It reports
 * them with the library's own session messages, under an id no Socket.IO session has.
 */
function countOtherWebSockets(server: HttpServer, socketIoPath: string): void {
  server.on('upgrade', (request: IncomingMessage, socket: Duplex) => {
    const path = (request.url ?? '').split('?', 1)[0] ?? '';
    if (path === socketIoPath || path.startsWith(`${socketIoPath}/`)) return;
    const id = `ws:${randomUUID()}`;
    send({ type: 'sticky:connection', data: id });
    socket.once('close', () => {
      send({ type: 'sticky:disconnection', data: id });
    });
  });
}

/**
 * Builds the application, takes connections from the primary and tells it so; shuts down when the
 * primary asks, on SIGTERM or SIGINT, or when the primary is gone. Resolves once ready.
 */
export async function runClusterWorker(config: Config, logger: Logger): Promise<void> {
  const held = holdConnections();
  let application: Application;
  try {
    application = await createApplication(config, logger);
    await application.http.ready();
  } catch (error) {
    held.release();
    throw error;
  }
  setupWorker(application.socketIo);
  countOtherWebSockets(application.http.server, application.socketIo.path());
  held.release();

  let closing = false;
  const shutdown = (reason: string): void => {
    if (closing) return;
    closing = true;
    logger.info({ reason }, 'worker shutting down');
    const force = setTimeout(() => process.exit(1), WORKER_SHUTDOWN_LIMIT_MS);
    force.unref();
    application.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'worker shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('message', (message: unknown) => {
    if (isClusterMessage(message, 'switchboard:shutdown')) shutdown('asked by the primary');
  });
  // The primary died (or closed the channel): no new connection can reach this worker, but the calls it
  // holds still have their sockets. Node's own cluster code exits a worker at once on an unexpected
  // disconnect (before any listener added here), which would leave those calls `active` with their last
  // turn unsaved; marking the disconnect as expected, first, lets them end through `application.close()`.
  process.prependOnceListener('disconnect', () => {
    if (cluster.worker) cluster.worker.exitedAfterDisconnect = true;
    shutdown('primary gone');
  });
  // A terminal's Ctrl-C and systemd's stop signal every process of the group, the primary included.
  process.once('SIGTERM', () => {
    shutdown('SIGTERM');
  });
  process.once('SIGINT', () => {
    shutdown('SIGINT');
  });
  send({ type: 'switchboard:worker-ready' });
}
