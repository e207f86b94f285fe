import type { Clock } from '../../core/clock.ts';
import { isAppError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import type { Authenticate, CallerIdentity, HandshakeInfo } from './call-connector.ts';

/** The outcome of authenticating a connection attempt; refusals carry the code the client sees. */
export type HandshakeOutcome =
  | { readonly ok: true; readonly identity: CallerIdentity }
  | { readonly ok: false; readonly code: 'unauthenticated' | 'forbidden' | 'internal_error'; readonly message: string };

/**
 * Runs `authenticate` with a deadline. Never rejects: `null` is `unauthenticated`; a `forbidden`
 * `AppError` is `forbidden` with its message (a real credential that may not place calls); any
 * other rejection or a timeout is `internal_error` (logged), so that a broken identity backend
 * cannot hang handshakes.
 */
export async function authenticateHandshake(params: {
  readonly authenticate: Authenticate;
  readonly handshake: HandshakeInfo;
  readonly timeoutMs: number;
  readonly clock: Clock;
  readonly logger: Logger;
}): Promise<HandshakeOutcome> {
  let cancelTimer: () => void = () => undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    cancelTimer = params.clock.setTimer(params.timeoutMs, () => {
      resolve('timeout');
    });
  });
  try {
    const identity = await Promise.race([params.authenticate(params.handshake), timedOut]);
    if (identity === 'timeout') {
      params.logger.error({ timeoutMs: params.timeoutMs }, 'authentication timed out');
      return { ok: false, code: 'internal_error', message: 'Authentication timed out' };
    }
    if (identity === null) return { ok: false, code: 'unauthenticated', message: 'Authentication required' };
    return { ok: true, identity };
  } catch (error) {
    if (isAppError(error) && error.code === 'forbidden') return { ok: false, code: 'forbidden', message: error.message };
    params.logger.error({ err: error }, 'authentication failed');
    return { ok: false, code: 'internal_error', message: 'Authentication failed' };
  } finally {
    cancelTimer();
  }
}
