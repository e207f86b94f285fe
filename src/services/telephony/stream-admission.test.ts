/**
 * The one-time stream token: a media stream joins its call once, with its own call's token, before it
 * expires, and only for the phone call (`CallSid`) it was issued for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../testing/runtime-fakes/test-logger.ts';
import { ManualClock } from '../../testing/manual-clock.ts';
import { seedTenant } from '../../testing/store-fixtures.ts';
import { openTestDatabase } from '../../testing/test-database.ts';
import { newCallSid } from '../../testing/twilio-webhooks.ts';
import type { DatabaseHandle } from '../../store/database.ts';
import { insertPhoneNumber } from '../../store/queries/phone-numbers.ts';
import { newId } from '../../core/ids.ts';
import { InboundCalls } from './inbound-calls.ts';
import { StreamAdmission } from './stream-admission.ts';

let database: DatabaseHandle;
const clock = new ManualClock();
let inbound: InboundCalls;
let admission: StreamAdmission;
const number = '+33100000020';

beforeAll(async () => {
  database = await openTestDatabase();
  const { tenant } = await seedTenant(database.db, 'tokens');
  await insertPhoneNumber(database.db, { id: newId(), tenantId: tenant.id, number, agentId: null, mode: 'realtime', label: null, at: new Date(clock.nowMs()) });
  inbound = new InboundCalls({ db: database.db, clock, logger: silentLogger() });
  admission = new StreamAdmission({ db: database.db, clock });
});
afterAll(async () => {
  await database.close();
});

async function answered(): Promise<{ callId: string; streamToken: string; callSid: string }> {
  const callSid = newCallSid();
  const answer = await inbound.answer({ callSid, from: '+33612345678', to: number });
  if (answer.kind !== 'stream') throw new Error(`expected a stream answer, got ${answer.kind}`);
  return { callId: answer.callId, streamToken: answer.streamToken, callSid };
}

describe('stream tokens', () => {
  it('admits the stream of its call once; the same token again is refused', async () => {
    const call = await answered();
    const first = await admission.admit(call);
    expect(first).toMatchObject({ ok: true, stream: { callId: call.callId, callSid: call.callSid, direction: 'inbound' } });
    expect(await admission.admit(call)).toEqual({ ok: false, code: 'forbidden', message: 'The stream token is invalid, used or expired' });
  });

  it('refuses a token after 60 s', async () => {
    const call = await answered();
    clock.advance(60_000);
    expect(await admission.admit(call)).toMatchObject({ ok: false, code: 'forbidden' });
  });

  it('accepts it just before', async () => {
    const call = await answered();
    clock.advance(59_999);
    expect(await admission.admit(call)).toMatchObject({ ok: true });
  });

  it('refuses another call’s token, a made-up token and a call id that is not ours', async () => {
    const one = await answered();
    const two = await answered();
    expect(await admission.admit({ ...one, streamToken: two.streamToken })).toMatchObject({ ok: false });
    expect(await admission.admit({ ...one, streamToken: 'x'.repeat(43) })).toMatchObject({ ok: false });
    expect(await admission.admit({ ...one, callId: 'not-a-uuid' })).toMatchObject({ ok: false });
    expect(await admission.admit({ ...one, callId: newId() })).toMatchObject({ ok: false });
    // The genuine stream still gets in: failed attempts do not use up a token.
    expect(await admission.admit(one)).toMatchObject({ ok: true });
  });

  it('refuses a stream of another phone call presenting a valid token', async () => {
    const call = await answered();
    expect(await admission.admit({ ...call, callSid: newCallSid() })).toEqual({ ok: false, code: 'forbidden', message: 'The stream belongs to another phone call' });
  });

  it('lets exactly one of two simultaneous uses of a token in', async () => {
    const call = await answered();
    const results = await Promise.all([admission.admit(call), admission.admit(call)]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });
});
