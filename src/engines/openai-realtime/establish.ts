import type { SessionUpdateEvent } from 'openai/resources/realtime/realtime';
import { AppError } from '../../core/errors.ts';
import { openConnection, type ConnectParams, type ConnectionHandlers, type RealtimeConnection } from './connection.ts';
import type { ParsedServerEvent } from './server-events.ts';

export interface EstablishParams extends ConnectParams {
  readonly sessionUpdate: SessionUpdateEvent;
}

/**
 * Opens one upstream session: connects, sends the `session.update` at once (so nothing can be appended
 * before the input format is set), and resolves when the server confirms it with `session.updated`.
 * An `error` or a close before that rejects: an `invalid_request_error` as `engine_not_configured`
 * (the configuration itself is wrong and retrying will not help), anything else as
 * `provider_unavailable`. Events after the confirmation go to `handlers`.
 */
export async function establishUpstream(params: EstablishParams): Promise<RealtimeConnection> {
  let confirm: ((error: AppError | null) => void) | null = null;
  const confirmed = new Promise<void>((resolve, reject) => {
    confirm = (error) => {
      confirm = null;
      if (error === null) resolve();
      else reject(error);
    };
  });
  const handlers: ConnectionHandlers = {
    onEvent: (event) => {
      if (confirm === null) params.handlers.onEvent(event);
      else onHandshakeEvent(event, confirm, params.handlers);
    },
    onClose: (code, reason) => {
      if (confirm === null) params.handlers.onClose(code, reason);
      else confirm(new AppError('provider_unavailable', `The OpenAI Realtime API closed the connection during setup (code ${String(code)})`));
    },
  };
  const connection = await openConnection({ ...params, handlers });
  const cancelTimer = params.clock.setTimer(params.timeoutMs, () => {
    confirm?.(new AppError('provider_unavailable', `The OpenAI Realtime API did not confirm the session within ${String(params.timeoutMs)} ms`));
  });
  const onAbort = (): void => {
    confirm?.(new AppError('provider_unavailable', 'Setting up the OpenAI Realtime session was aborted'));
  };
  params.signal.addEventListener('abort', onAbort, { once: true });
  try {
    if (params.signal.aborted) onAbort();
    connection.send(params.sessionUpdate);
    await confirmed;
    return connection;
  } catch (error) {
    await connection.close();
    throw error;
  } finally {
    cancelTimer();
    params.signal.removeEventListener('abort', onAbort);
  }
}

function onHandshakeEvent(event: ParsedServerEvent, confirm: (error: AppError | null) => void, handlers: ConnectionHandlers): void {
  if (event.type === 'session.updated') {
    confirm(null);
    return;
  }
  if (event.type === 'error') {
    const { error } = event;
    const permanent = error.type === 'invalid_request_error' && error.code !== 'session_expired';
    const code = permanent ? 'engine_not_configured' : 'provider_unavailable';
    confirm(new AppError(code, `The OpenAI Realtime API rejected the session setup: ${error.message}`, { details: [{ path: error.param ?? 'session', message: error.code ?? error.type }] }));
    return;
  }
  handlers.onEvent(event);
}
