import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeWav } from '../../audio/wav.ts';
import { recordingAbsolutePath, recordingsRoot } from '../../services/recordings/recording-files.ts';
import { getTenantDefaultAgent } from '../../store/queries/agents.ts';
import { getRecordingOfCall } from '../../store/queries/recordings.ts';
import type { CallRow } from '../../store/schema/calls.ts';
import { ManualClock } from '../../testing/job-fixtures.ts';
import { createRecordedCall, recordCallFixture } from '../../testing/recording-fixtures.ts';
import { createTestApiKey, createTestUser, startTestApplication, type TestApplication, type TestUser } from '../../testing/test-application.ts';

let app: TestApplication;
let dataDir: string;
let admin: TestUser;
let owner: TestUser;
let otherMember: TestUser;
let stranger: TestUser;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'switchboard-recordings-api-'));
  app = await startTestApplication({ env: { DATA_DIR: dataDir } });
  admin = await createTestUser(app);
  owner = await createTestUser(app, { tenant: admin.tenant, role: 'member', email: 'owner@rec.test' });
  otherMember = await createTestUser(app, { tenant: admin.tenant, role: 'member', email: 'other@rec.test' });
  stranger = await createTestUser(app);
});
afterAll(async () => {
  await app.close();
  await rm(dataDir, { recursive: true, force: true });
});

const clock = new ManualClock();

/** A finished, recorded call of `owner` (3 s of audio). */
async function recordedCall(seconds = 3): Promise<CallRow> {
  const agent = await getTenantDefaultAgent(app.database.db, { tenantId: admin.tenant.id });
  if (!agent) throw new Error('no default agent');
  const call = await createRecordedCall(app.database.db, clock, { tenantId: admin.tenant.id, agent, userId: owner.user.id });
  await recordCallFixture(app.database.db, clock, { root: recordingsRoot(app.config.dataDir), call, seconds });
  return call;
}

describe('GET /v1/calls/:callId/recording', () => {
  it('streams the WAV to the call’s member and the tenant’s admins and read keys; 404 to anyone else', async () => {
    const call = await recordedCall();
    const url = `/v1/calls/${call.id}/recording`;
    const key = await createTestApiKey(app, { tenantId: admin.tenant.id, scopes: ['read'] });
    for (const headers of [owner.headers, admin.headers, key.headers]) {
      const res = await app.http.inject({ url, headers });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('audio/wav');
      expect(res.headers['accept-ranges']).toBe('bytes');
      expect(Number(res.headers['content-length'])).toBe(res.rawPayload.length);
      const wav = decodeWav(new Uint8Array(res.rawPayload));
      expect(wav).toMatchObject({ channels: 2, sampleRateHz: 16_000 });
      expect(Math.abs(wav.samples.length / 2 / 16 - 3000), String(wav.samples.length / 2 / 16)).toBeLessThanOrEqual(40);
    }
    for (const headers of [otherMember.headers, stranger.headers]) {
      const res = await app.http.inject({ url, headers });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ code: 'call_not_found' });
    }
  });

  it('serves a byte range (206) and refuses one outside the file (416)', async () => {
    const call = await recordedCall();
    const url = `/v1/calls/${call.id}/recording`;
    const whole = await app.http.inject({ url, headers: admin.headers });
    const size = whole.rawPayload.length;
    const part = await app.http.inject({ url, headers: { ...admin.headers, range: 'bytes=44-1043' } });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 44-1043/${size}`);
    expect(part.rawPayload.equals(whole.rawPayload.subarray(44, 1044))).toBe(true);
    const tail = await app.http.inject({ url, headers: { ...admin.headers, range: 'bytes=-100' } });
    expect(tail.statusCode).toBe(206);
    expect(tail.rawPayload.equals(whole.rawPayload.subarray(size - 100))).toBe(true);
    const beyond = await app.http.inject({ url, headers: { ...admin.headers, range: `bytes=${size}-` } });
    expect(beyond.statusCode).toBe(416);
    expect(beyond.json()).toMatchObject({ code: 'range_not_satisfiable' });
  });

  it('answers 404 recording_not_found for a call without one, 409 while it is being recorded', async () => {
    const plain = await app.http.inject({ method: 'POST', url: '/v1/calls', payload: {}, headers: admin.headers });
    const res = await app.http.inject({ url: `/v1/calls/${plain.json<{ id: string }>().id}/recording`, headers: admin.headers });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'recording_not_found' });

    const agent = await getTenantDefaultAgent(app.database.db, { tenantId: admin.tenant.id });
    if (!agent) throw new Error('no default agent');
    const live = await createRecordedCall(app.database.db, clock, { tenantId: admin.tenant.id, agent, userId: owner.user.id });
    const recorder = await recordCallFixture(app.database.db, clock, { root: recordingsRoot(app.config.dataDir), call: live, seconds: 1, crash: true });
    const busy = await app.http.inject({ url: `/v1/calls/${live.id}/recording`, headers: admin.headers });
    expect(busy.statusCode).toBe(409);
    expect(busy.json()).toMatchObject({ code: 'recording_not_ready' });
    await recorder.close(clock.nowMs());
    expect((await app.http.inject({ url: `/v1/calls/${live.id}/recording`, headers: admin.headers })).statusCode).toBe(200);
  });
});

describe('recording metadata and deletion', () => {
  it('describes the recording, and DELETE removes the file and marks it deleted (idempotently)', async () => {
    const call = await recordedCall();
    const meta = await app.http.inject({ url: `/v1/calls/${call.id}/recording/metadata`, headers: owner.headers });
    expect(meta.statusCode).toBe(200);
    expect(meta.json()).toMatchObject({ callId: call.id, status: 'ready', format: 'audio/wav', channels: 2, sampleRateHz: 16_000, retentionDays: 30, transcript: null, deletedAt: null });
    const row = await getRecordingOfCall(app.database.db, { tenantId: admin.tenant.id, callId: call.id });
    const path = recordingAbsolutePath(recordingsRoot(app.config.dataDir), row?.path ?? '');
    expect((await stat(path)).size).toBe(meta.json<{ bytes: number }>().bytes);

    expect((await app.http.inject({ method: 'DELETE', url: `/v1/calls/${call.id}/recording`, headers: otherMember.headers })).statusCode).toBe(404);
    expect((await app.http.inject({ method: 'DELETE', url: `/v1/calls/${call.id}/recording`, headers: owner.headers })).statusCode).toBe(204);
    await expect(stat(path)).rejects.toThrow(/ENOENT/);
    expect((await app.http.inject({ method: 'DELETE', url: `/v1/calls/${call.id}/recording`, headers: admin.headers })).statusCode).toBe(204);
    const gone = await app.http.inject({ url: `/v1/calls/${call.id}/recording`, headers: admin.headers });
    expect(gone.statusCode).toBe(404);
    expect(gone.json()).toMatchObject({ code: 'recording_not_found' });
    expect((await app.http.inject({ url: `/v1/calls/${call.id}/recording/metadata`, headers: admin.headers })).json()).toMatchObject({ status: 'deleted', note: 'deleted on request' });
  });

  it('goes with its call: deleting an ended call deletes its recording file at once', async () => {
    const call = await recordedCall(1);
    const row = await getRecordingOfCall(app.database.db, { tenantId: admin.tenant.id, callId: call.id });
    const path = recordingAbsolutePath(recordingsRoot(app.config.dataDir), row?.path ?? '');
    expect((await stat(path)).size).toBeGreaterThan(44);
    await app.http.inject({ method: 'POST', url: `/v1/calls/${call.id}/end`, headers: admin.headers });
    expect((await app.http.inject({ method: 'DELETE', url: `/v1/calls/${call.id}`, headers: admin.headers })).statusCode).toBe(204);
    await expect(stat(path)).rejects.toThrow(/ENOENT/);
  });

  it('lists the tenant’s recordings for admins only', async () => {
    const call = await recordedCall(1);
    const list = await app.http.inject({ url: '/v1/recordings?status=ready', headers: admin.headers });
    expect(list.statusCode).toBe(200);
    expect(list.json<{ items: { callId: string }[] }>().items.map((item) => item.callId)).toContain(call.id);
    expect((await app.http.inject({ url: '/v1/recordings', headers: owner.headers })).statusCode).toBe(403);
    expect((await app.http.inject({ url: '/v1/recordings', headers: stranger.headers })).json<{ items: unknown[] }>().items).toEqual([]);
  });
});

describe('the agent’s recording setting', () => {
  it('is opt-in, validated, and copied into the call’s agent snapshot', async () => {
    const created = await app.http.inject({ method: 'POST', url: '/v1/agents', payload: { name: 'Plain' }, headers: admin.headers });
    expect(created.json()).toMatchObject({ recording: { enabled: false, retentionDays: 30, transcribe: false } });
    for (const recording of [{ enabled: true, retentionDays: 0 }, { enabled: 'yes' }, { retentionDays: 7 }, { enabled: true, keep: true }]) {
      const bad = await app.http.inject({ method: 'POST', url: '/v1/agents', payload: { recording }, headers: admin.headers });
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({ code: 'validation_failed' });
    }
    const recording = await app.http.inject({ method: 'POST', url: '/v1/agents', payload: { name: 'Recorded', recording: { enabled: true, retentionDays: 7 } }, headers: admin.headers });
    expect(recording.statusCode).toBe(201);
    const agentId = recording.json<{ id: string }>().id;
    expect(recording.json()).toMatchObject({ recording: { enabled: true, retentionDays: 7, transcribe: false } });
    const patched = await app.http.inject({ method: 'PATCH', url: `/v1/agents/${agentId}`, payload: { recording: { enabled: true, retentionDays: 90, transcribe: true } }, headers: admin.headers });
    expect(patched.json()).toMatchObject({ recording: { enabled: true, retentionDays: 90, transcribe: true } });
    const call = await app.http.inject({ method: 'POST', url: '/v1/calls', payload: { agentId }, headers: admin.headers });
    const row = await app.database.db.query.calls.findFirst({ where: (c, { eq }) => eq(c.id, call.json<{ id: string }>().id) });
    expect(row?.agentSnapshot.recording).toEqual({ enabled: true, retentionDays: 90, transcribe: true });
  });
});
