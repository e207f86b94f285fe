import type { Principal } from '../../core/principal.ts';
import type { CallConnector, StartCallFailure } from '../../transports/shared/call-connector.ts';
import type { RateCounter } from './rate-counter.ts';
import type { RateRule } from './rate-limit-policies.ts';

/** Counts one realtime `start-call` of the caller's tenant; resolves a refusal when over the limit, `null` otherwise. */
export type CallStartLimiter = (identity: Principal) => Promise<StartCallFailure | null>;

/** The realtime counterpart of the HTTP call-creation limit, on the same counters (Redis when configured). */
export function createCallStartLimiter(counter: RateCounter, rule: RateRule): CallStartLimiter {
  return async (identity) => {
    const hit = await counter.hit(`${rule.name}:${identity.tenantId}`, rule.windowMs);
    if (hit.count <= rule.max) return null;
    const retryAfterS = Math.max(1, Math.ceil(hit.resetInMs / 1000));
    return { ok: false, code: 'rate_limited', message: `${rule.message}; retry in ${retryAfterS} s` };
  };
}

/** A connector that asks `limiter` before handing a `start-call` to `connector`; a refusal is sent to the caller as is. */
export function limitCallStarts(connector: CallConnector, limiter: CallStartLimiter): CallConnector {
  return {
    async startCall(params) {
      const refusal = await limiter(params.identity);
      return refusal ?? connector.startCall(params);
    },
  };
}
