/**
 * `POST /twilio/status`: Twilio's call progress updates the phone call (status, duration, recording)
 * and closes the call record when the phone call is over; repeated and out-of-order callbacks change
 * nothing more; an unknown `CallSid` is answered 200 and changes nothing.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StatusCallbacks } from '../../services/telephony/status-callbacks.ts';
import { callEvents } from '../../store/schema/call-events.ts';
import { calls } from '../../store/schema/calls.ts';
import { telephonyCalls } from '../../store/schema/telephony-calls.ts';
import { systemClock } from '../../core/clock.ts';
import { capturingLogger } from '../../testing/runtime-fakes/test-logger.ts';
import { createTestUser, startTestApplication, type TestApplication } from '../../testing/test-application.ts';
import { connectStreamOf } from '../../testing/twiml-parser.ts';
import { newCallSid, twilioPost, twilioTestEnv, voiceParams } from '../../testing/twilio-webhooks.ts';

let app: TestApplication;
const number = '+33100000010';

beforeAll(async () => {
  app = await startTestApplication({ env: twilioTestEnv });
  const admin = await createTestUser(app, { role: 'admin' });
  expect((await app.http.inject({ method: 'POST', url: '/v1/phone-numbers', headers: admin.headers, payload: { number } })).statusCode).toBe(201);
});
afterAll(async () => {
  await app.close();
});

/** An answered incoming call (not connected to a stream): its CallSid and call id. */
async function incomingCall(): Promise<{ callSid: string; callId: string }> {
  const callSid = newCallSid();
  const res = await app.http.inject(twilioPost('/twilio/voice', voiceParams({ to: number, callSid })));
  return { callSid, callId: connectStreamOf(res.body).parameters.callId ?? '' };
}

function status(callSid: string, callStatus: string, extra: Record<string, string> = {}) {
  return app.http.inject(twilioPost('/twilio/status', { ...voiceParams({ to: number, callSid }), CallStatus: callStatus, CallbackSource: 'call-progress-events', ...extra }));
}

async function stateOf(callId: string) {
  const db = app.database.db;
  const [call] = await db.select().from(calls).where(eq(calls.id, callId));
  const [telephony] = await db.select().from(telephonyCalls).where(eq(telephonyCalls.callId, callId));
  const events = await db.select().from(callEvents).where(eq(callEvents.callId, callId));
  return { call, telephony, statusChanges: events.filter((e) => e.type === 'call.status_changed').map((e) => e.data) };
}

describe('twilio status callbacks', () => {
  it('stores progress, then duration and recording, and ends the call once the phone call completes', async () => {
    const { callSid, callId } = await incomingCall();
    const progress = await status(callSid, 'in-progress');
    expect(progress.statusCode).toBe(200);
    expect(progress.headers['content-type']).toMatch(/^text\/xml/);
    let state = await stateOf(callId);
    expect(state.telephony?.providerStatus).toBe('in-progress');
    expect(state.call?.status).toBe('created');

    const recordingUrl = 'https://api.twilio.com/2010-04-01/Accounts/AC0/Recordings/RE0123456789abcdef0123456789abcdef';
    const completed = await status(callSid, 'completed', { CallDuration: '42', RecordingUrl: recordingUrl, RecordingSid: 'RE0123456789abcdef0123456789abcdef', RecordingDuration: '40' });
    expect(completed.statusCode).toBe(200);
    state = await stateOf(callId);
    expect(state.telephony).toMatchObject({ providerStatus: 'completed', durationS: 42, recordingUrl, recordingSid: 'RE0123456789abcdef0123456789abcdef', recordingDurationS: 40 });
    expect(state.call).toMatchObject({ status: 'ended', endReason: 'twilio_completed' });
    expect(state.statusChanges).toEqual([{ from: 'created', to: 'ended', reason: 'twilio_completed' }]);
  });

  it('is idempotent: the same callback again, or an older status arriving late, changes nothing', async () => {
    const { callSid, callId } = await incomingCall();
    await status(callSid, 'completed', { CallDuration: '7' });
    const once = await stateOf(callId);
    expect((await status(callSid, 'completed', { CallDuration: '7' })).statusCode).toBe(200);
    expect((await status(callSid, 'ringing')).statusCode).toBe(200);
    expect((await status(callSid, 'busy')).statusCode).toBe(200);
    const after = await stateOf(callId);
    expect(after.telephony?.providerStatus).toBe('completed');
    expect(after.telephony?.durationS).toBe(7);
    expect(after.call).toEqual(once.call);
    expect(after.statusChanges).toEqual(once.statusChanges);
  });

  it('fails calls that were busy, not answered, failed or canceled', async () => {
    for (const outcome of ['busy', 'no-answer', 'failed', 'canceled']) {
      const { callSid, callId } = await incomingCall();
      await status(callSid, outcome);
      const { call, telephony } = await stateOf(callId);
      expect(telephony?.providerStatus).toBe(outcome);
      expect(call).toMatchObject({ status: 'failed', endReason: `twilio_${outcome.replace('-', '_')}` });
    }
  });

  it('answers 200 to an unknown CallSid or CallStatus and changes nothing', async () => {
    const before = await app.database.db.select().from(telephonyCalls);
    expect((await status(newCallSid(), 'completed', { CallDuration: '3' })).statusCode).toBe(200);
    const { callSid } = await incomingCall();
    expect((await status(callSid, 'teleported')).statusCode).toBe(200);
    const after = await app.database.db.select().from(telephonyCalls);
    expect(after.length).toBe(before.length + 1);
    expect(after.find((row) => row.callSid === callSid)?.providerStatus).toBe('ringing');
  });

  it('refuses a callback that is not signed for this URL (403) and changes nothing', async () => {
    const { callSid, callId } = await incomingCall();
    const params = { ...voiceParams({ to: number, callSid }), CallStatus: 'completed' };
    const unsigned = await app.http.inject(twilioPost('/twilio/status', params, { signature: null }));
    const forVoice = await app.http.inject({ ...twilioPost('/twilio/voice', params), url: '/twilio/status' });
    expect([unsigned.statusCode, forVoice.statusCode]).toEqual([403, 403]);
    const { call, telephony } = await stateOf(callId);
    expect(call?.status).toBe('created');
    expect(telephony?.providerStatus).toBe('ringing');
  });

  it('logs an unknown call without its numbers', async () => {
    const { logger, lines } = capturingLogger();
    const callbacks = new StatusCallbacks({ db: app.database.db, clock: systemClock, logger, callEnder: { end: () => Promise.resolve({ kind: 'already_over' }) } });
    expect(await callbacks.apply({ callSid: newCallSid(), status: 'completed' })).toEqual({ kind: 'unknown_call' });
    expect(lines().map((line) => line.msg)).toEqual(['twilio status callback for an unknown call ignored']);
  });
});
