import { describe, expect, it } from 'vitest';
import { apiKeyPrincipal } from '../../core/principal.ts';
import type { CallConnector, StartCallParams } from '../../transports/shared/call-connector.ts';
import { ManualClock } from '../../testing/manual-clock.ts';
import { createCallStartLimiter, limitCallStarts } from './call-start-limiter.ts';
import { MemoryRateCounter } from './rate-counter.ts';
import { callJoinRule } from './rate-limit-policies.ts';

describe('realtime start-call limit', () => {
  it('refuses start-calls over the tenant’s limit with rate_limited, before the connector runs anything', async () => {
    const clock = new ManualClock();
    const limits = { perIpPerMinute: 1, perCredentialPerMinute: 1, loginPerEmail: 1, loginPerIp: 1, signupPerIpPerHour: 1, callsPerTenantPerMinute: 2 };
    const started: string[] = [];
    const inner: CallConnector = {
      startCall(params) {
        started.push(params.callId);
        return Promise.resolve({ ok: true });
      },
    };
    const connector = limitCallStarts(inner, createCallStartLimiter(new MemoryRateCounter(clock), callJoinRule(limits)));
    const start = (tenantId: string, callId: string) =>
      connector.startCall({ callId, identity: apiKeyPrincipal({ tenantId, scopes: ['calls'] }), transport: {} as StartCallParams['transport'] });

    expect(await start('t1', 'a')).toEqual({ ok: true });
    clock.advance(15_000);
    expect(await start('t1', 'b')).toEqual({ ok: true });
    expect(await start('t1', 'c')).toEqual({ ok: false, code: 'rate_limited', message: 'Too many calls started for this tenant; retry in 45 s' });
    expect(await start('t2', 'd')).toEqual({ ok: true });
    expect(started).toEqual(['a', 'b', 'd']);
    clock.advance(45_000);
    expect(await start('t1', 'e')).toEqual({ ok: true });
  });
});
