import type { RealtimeError } from 'openai/resources/realtime/realtime';
import { AppError } from '../../core/errors.ts';

/** Server errors that are expected races, not problems (e.g. a cancel arriving after the server already cancelled). */
const harmlessCodes: ReadonlySet<string> = new Set(['response_cancel_not_active']);

export function isHarmlessError(error: RealtimeError): boolean {
  return error.code !== undefined && error.code !== null && harmlessCodes.has(error.code);
}

/** A server `error` event as an `AppError`: rate and quota limits keep their meaning, the rest are provider errors. */
export function toAppError(error: RealtimeError): AppError {
  const code = error.code === 'rate_limit_exceeded' ? 'rate_limited' : error.code === 'insufficient_quota' ? 'quota_exceeded' : 'provider_error';
  return new AppError(code, `OpenAI Realtime error: ${error.message}`, {
    details: [{ path: error.param ?? 'event', message: error.code ?? error.type }],
  });
}
