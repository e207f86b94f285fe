import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeWav } from '../../audio/wav.ts';
import { apiKeyPrincipal } from '../../core/principal.ts';
import type { DatabaseHandle } from '../../store/database.ts';
import { getRecordingOfCall } from '../../store/queries/recordings.ts';
import { ManualClock } from '../../testing/job-fixtures.ts';
import { createRecordedCall } from '../../testing/recording-fixtures.ts';
import { FakeTransport, MULAW_8K, ScriptedEngine, silentLogger, toneChunk } from '../../testing/runtime-fakes/index.ts';
import { scriptedRegistry, settle } from '../../testing/live-call-fixtures.ts';
import { seedTenant } from '../../testing/store-fixtures.ts';
import { openTestDatabase } from '../../testing/test-database.ts';
import { recordingAbsolutePath } from './recording-files.ts';
import { recordingObserverFactory } from './recording-observers.ts';

let handle: DatabaseHandle;
let root: string;
beforeAll(async () => {
  handle = await openTestDatabase();
  root = await mkdtemp(join(tmpdir(), 'switchboard-recorder-'));
});
afterAll(async () => {
  await handle.close();
  await rm(root, { recursive: true, force: true });
});

describe('recording a call through the live call registry', () => {
  it('records a phone call of an agent that opts in: a row that ends ready and an 8 kHz stereo WAV', async () => {
    const clock = new ManualClock();
    const { tenant, agent } = await seedTenant(handle.db, 'wired');
    const call = await createRecordedCall(handle.db, clock, { tenantId: tenant.id, agent, userId: null, recording: { retentionDays: 3 } });
    const engine = new ScriptedEngine({ clock });
    const registry = scriptedRegistry(handle.db, clock, engine, { audioObservers: [recordingObserverFactory({ db: handle.db, clock, logger: silentLogger(), root })] });
    const transport = new FakeTransport({ clock, inputFormat: MULAW_8K });
    expect(await registry.startCall({ callId: call.id, identity: apiKeyPrincipal({ tenantId: tenant.id, scopes: ['calls'] }), transport })).toEqual({ ok: true });
    await settle(() => engine.sessions.length > 0);
    expect(await getRecordingOfCall(handle.db, { tenantId: tenant.id, callId: call.id })).toMatchObject({ status: 'recording', sampleRateHz: 8000, channels: 2 });
    for (let i = 0; i < 100; i++) {
      clock.advance(20);
      transport.sendCallerAudio(toneChunk(MULAW_8K, 20));
    }
    engine.session.assistantAudio('a-1', 500, toneChunk(MULAW_8K, 500, { frequencyHz: 1000 }));
    clock.advance(1000);
    await registry.end(call.id, 'caller_ended');

    const row = await getRecordingOfCall(handle.db, { tenantId: tenant.id, callId: call.id });
    expect(row).toMatchObject({ status: 'ready', path: `${tenant.id}/${call.id}.wav`, retentionDays: 3, note: null });
    expect(row?.expiresAt.getTime()).toBe(row ? row.createdAt.getTime() + 3 * 86_400_000 : 0);
    const bytes = await readFile(recordingAbsolutePath(root, row?.path ?? ''));
    expect(row?.bytes).toBe(bytes.length);
    const wav = decodeWav(new Uint8Array(bytes));
    expect(wav).toMatchObject({ channels: 2, sampleRateHz: 8000 });
    expect(row?.durationMs).toBe(3000);
    expect(wav.samples.length).toBe(3000 * 8 * 2);
  });

  it('records nothing for an agent that does not opt in', async () => {
    const clock = new ManualClock();
    const { tenant, agent } = await seedTenant(handle.db, 'unrecorded');
    const call = await createRecordedCall(handle.db, clock, { tenantId: tenant.id, agent, userId: null, recording: { enabled: false } });
    const factory = recordingObserverFactory({ db: handle.db, clock, logger: silentLogger(), root });
    expect(await factory(call, { caller: MULAW_8K, agent: MULAW_8K })).toEqual([]);
    expect(await getRecordingOfCall(handle.db, { tenantId: tenant.id, callId: call.id })).toBeUndefined();
    expect((await readdir(root)).includes(tenant.id)).toBe(false);
  });

  it('never touches a recording in progress when the same call is joined twice, and marks a file it cannot create as failed', async () => {
    const clock = new ManualClock();
    const { tenant, agent } = await seedTenant(handle.db, 'twice');
    const call = await createRecordedCall(handle.db, clock, { tenantId: tenant.id, agent, userId: null });
    const factory = recordingObserverFactory({ db: handle.db, clock, logger: silentLogger(), root });
    const [first] = await factory(call, { caller: MULAW_8K, agent: MULAW_8K });
    for (let i = 0; i < 50; i++) {
      clock.advance(20);
      first?.onCallerAudio(toneChunk(MULAW_8K, 20), clock.nowMs());
    }
    await expect(factory(call, { caller: MULAW_8K, agent: MULAW_8K })).rejects.toThrow();
    await first?.close(clock.nowMs());
    const row = await getRecordingOfCall(handle.db, { tenantId: tenant.id, callId: call.id });
    expect(row).toMatchObject({ status: 'ready', durationMs: 1000 });
    expect((await readFile(recordingAbsolutePath(root, row?.path ?? ''))).length).toBe(44 + 8000 * 4);

    const blocked = join(root, 'not-a-directory');
    await writeFile(blocked, 'x');
    const other = await createRecordedCall(handle.db, clock, { tenantId: tenant.id, agent, userId: null });
    const broken = recordingObserverFactory({ db: handle.db, clock, logger: silentLogger(), root: blocked });
    await expect(broken(other, { caller: MULAW_8K, agent: MULAW_8K })).rejects.toThrow();
    expect(await getRecordingOfCall(handle.db, { tenantId: tenant.id, callId: other.id })).toMatchObject({ status: 'failed', note: 'the file could not be created' });
  });
});
