import { describe, expect, it } from 'vitest';
import { getCall } from '../../store/queries/calls.ts';
import { upsertTranscriptItem } from '../../store/queries/transcript-items.ts';
import { useAdminApi } from '../../testing/test-application-fixtures.ts';

const admin = useAdminApi();
/** Requests as the tenant's admin. */
const { inject } = admin;

async function start(userId: string): Promise<string> {
  const res = await inject({ method: 'POST', url: '/api/calls/start', payload: { userId } });
  expect(res.statusCode, res.body).toBe(200);
  const body = res.json<{ callId: string; message: string }>();
  expect(body.message).toBe('Call started');
  return body.callId;
}

async function snapshotInstructions(callId: string): Promise<string> {
  const row = await admin.app.database.db.query.calls.findFirst({ where: (c, { eq }) => eq(c.id, callId) });
  const call = await getCall(admin.app.database.db, { tenantId: row!.tenantId, callId });
  return call!.agentSnapshot.instructions;
}

describe('Aero REST surface', () => {
  it('starts calls with UUID ids, never guessable timestamps', async () => {
    const a = await start('learner-1');
    const b = await start('learner-1');
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a).not.toBe(b);
  });

  it('ends a call returning its transcription, and ending again returns the same', async () => {
    const callId = await start('learner-2');
    const row = await admin.app.database.db.query.calls.findFirst({ where: (c, { eq }) => eq(c.id, callId) });
    await upsertTranscriptItem(admin.app.database.db, { tenantId: row!.tenantId, callId, seq: 0, role: 'user', text: 'I go store', startMs: 0, endMs: 900, interrupted: false });
    await upsertTranscriptItem(admin.app.database.db, { tenantId: row!.tenantId, callId, seq: 1, role: 'assistant', text: "You said 'I go store'…", startMs: 1200, endMs: 3000, interrupted: false });
    const first = await inject({ method: 'POST', url: `/api/calls/end/${callId}` });
    expect(first.statusCode).toBe(200);
    const body = first.json<{ message: string; transcription: { role: string; text: string }[] }>();
    expect(body.message).toBe('Call ended');
    expect(body.transcription.map((t) => [t.role, t.text])).toEqual([
      ['user', 'I go store'],
      ['assistant', "You said 'I go store'…"],
    ]);
    const again = await inject({ method: 'POST', url: `/api/calls/end/${callId}` });
    expect(again.json()).toEqual(first.json());
  });

  it('ends a call when the client sends content-type: application/json with an empty body', async () => {
    const callId = await start('learner-json');
    const res = await inject({ method: 'POST', url: `/api/calls/end/${callId}`, headers: { 'content-type': 'application/json' }, payload: '' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ message: 'Call ended', callId, status: 'ended' });
  });

  it('answers an unknown or timestamp-style call id with 404 call_not_found', async () => {
    for (const id of ['1732147200000', '00000000-0000-4000-8000-000000000000']) {
      const res = await inject({ method: 'POST', url: `/api/calls/end/${id}` });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ code: 'call_not_found' });
    }
  });

  it("lists only that user's calls, newest first", async () => {
    const first = await start('history-a');
    const second = await start('history-a');
    await start('history-b');
    await inject({ method: 'POST', url: `/api/calls/end/${first}` });
    const res = await inject({ url: '/api/calls/history/history-a' });
    const calls = res.json<{ id: string; userId: string; status: string; startTime: string; endTime: string | null }[]>();
    expect(calls.map((c) => c.id)).toEqual([second, first]);
    expect(calls.every((c) => c.userId === 'history-a')).toBe(true);
    expect(calls[1]).toMatchObject({ status: 'ended' });
    expect(calls[1]!.endTime).not.toBeNull();
    expect((await inject({ url: '/api/calls/history/nobody-yet' })).json()).toEqual([]);
  });

  it('changes the prompt of the caller’s own default agent only', async () => {
    const before = await snapshotInstructions(await start('prompt-b'));
    const res = await inject({ method: 'POST', url: '/api/calls/language', payload: { prompt: 'Speak only French.', userId: 'prompt-a' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ message: 'System prompt updated' });
    expect(await snapshotInstructions(await start('prompt-a'))).toBe('Speak only French.');
    expect(await snapshotInstructions(await start('prompt-b'))).toBe(before);
    await inject({ method: 'POST', url: '/api/calls/language', payload: { prompt: 'Speak only Spanish.', userId: 'prompt-a' } });
    expect(await snapshotInstructions(await start('prompt-a'))).toBe('Speak only Spanish.');
    const own = await inject({ method: 'POST', url: '/api/calls/language', payload: { prompt: 'Mine.' } });
    expect(own.statusCode).toBe(200);
    expect(await snapshotInstructions(await start('prompt-b'))).toBe(before);
  });

  it('rejects a missing prompt or userId with field details', async () => {
    const prompt = await inject({ method: 'POST', url: '/api/calls/language', payload: {} });
    expect(prompt.statusCode).toBe(400);
    expect(prompt.json()).toMatchObject({ code: 'validation_failed', details: [{ path: 'body.prompt' }] });
    const user = await inject({ method: 'POST', url: '/api/calls/start', payload: { userId: '' } });
    expect(user.json()).toMatchObject({ code: 'validation_failed', details: [{ path: 'body.userId' }] });
  });
});
