import { Redis } from 'ioredis';
import type { Logger } from '../core/logger.ts';

export type { Redis } from 'ioredis';

export interface RedisOptions {
  readonly url: string;
  readonly logger: Logger;
  /** How long to wait for the first connection before starting without it (it keeps retrying). */
  readonly connectTimeoutMs?: number;
  /** A command slower than this fails, so a stalled Redis cannot stall requests. */
  readonly commandTimeoutMs?: number;
}

/** How often a Redis that stays down is reported again (the first failure is reported at once). */
const REPORT_EVERY_MS = 60_000;

/**
 * Opens a Redis client tuned to fail fast: no offline queue (a command while disconnected fails at
 * once instead of waiting for a reconnect), one retry per command and a command timeout. Callers
 * decide what a failure means; the client reconnects in the background. Never throws: when Redis
 * does not answer within `connectTimeoutMs` the client is returned anyway and the outage is logged.
 */
export async function openRedis(options: RedisOptions): Promise<Redis> {
  const logger = options.logger.child({ component: 'redis' });
  const client = new Redis(options.url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: options.connectTimeoutMs ?? 2000,
    commandTimeout: options.commandTimeoutMs ?? 500,
  });
  let lastReportMs = 0;
  let down = false;
  client.on('error', (error: Error) => {
    const now = Date.now();
    if (now - lastReportMs < REPORT_EVERY_MS) return;
    lastReportMs = now;
    down = true;
    logger.error({ err: { message: error.message } }, 'Redis connection failed; retrying in the background');
  });
  client.on('ready', () => {
    if (down) logger.warn('Redis connection restored');
    down = false;
  });
  try {
    await client.connect();
  } catch {
    // Reported by the error listener; the client keeps reconnecting on its own.
  }
  return client;
}

/** Closes a client opened by {@link openRedis}; never throws. */
export async function closeRedis(client: Redis): Promise<void> {
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}
