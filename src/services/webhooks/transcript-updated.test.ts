import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { listCallJobs } from '../../store/queries/jobs.ts';
import { listTranscript } from '../../store/queries/transcript-items.ts';
import { seedCall } from '../../testing/job-fixtures.ts';
import { useWebhookTestbed } from '../../testing/webhook-world.ts';
import { createStoreCallSink } from '../call-sink.ts';
import { eventTypeHeader, signatureHeader } from './signature.ts';
import { TranscriptUpdates } from './transcript-updates.ts';
import { verifyWebhookSignature } from './verify.ts';

const bed = useWebhookTestbed();

const turn = (seq: number, role: 'user' | 'assistant', text: string) => ({ seq, role, text, startMs: seq * 1000, endMs: seq * 1000 + 800, interrupted: false });

function bodies(): { type: string; data: Record<string, unknown> }[] {
  return bed.receiver.received.map((r) => JSON.parse(r.rawBody) as { type: string; data: Record<string, unknown> });
}

describe('transcript.updated', () => {
  it('is sent per saved turn by the live call’s sink, in the turn’s transaction, and once more with the final transcript at the end', async () => {
    const { tenantId, call } = await seedCall(bed.db, bed.world.clock);
    const { secret } = await bed.world.endpoints.create(tenantId, { url: bed.receiver.url, events: ['transcript.updated'] });
    const updates = new TranscriptUpdates({ db: bed.db, clock: bed.world.clock, events: bed.world.events });
    const sink = createStoreCallSink({ db: bed.db, tenantId, callId: call.id, logger: pino({ level: 'silent' }), transcriptUpdates: updates });
    await sink.saveTurn(turn(0, 'assistant', 'Hello, how can I help?'));
    await sink.saveTurn(turn(1, 'user', 'A table for two, please.'));
    await bed.world.runCall(tenantId, call.id);
    await bed.world.pool.drain();
    expect(bed.receiver.received.every((r) => r.headers[eventTypeHeader] === 'transcript.updated')).toBe(true);
    expect(bed.receiver.received.map((r) => verifyWebhookSignature(r.rawBody, r.headers[signatureHeader], secret, { nowMs: bed.world.clock.nowMs() }).ok)).toEqual([true, true, true]);
    const received = bodies().map((b) => b.data);
    const perTurn = received.filter((d) => d.final === false).map((d) => (d.turn as { text: string }).text);
    expect(perTurn.sort()).toEqual(['A table for two, please.', 'Hello, how can I help?']);
    const final = received.find((d) => d.final === true);
    expect(final).toMatchObject({ call: { id: call.id, status: 'ended' }, transcript: [{ seq: 0, role: 'assistant', text: 'Hello, how can I help?' }, { seq: 1, role: 'user', text: 'A table for two, please.' }] });
    expect(await listTranscript(bed.db, { tenantId, callId: call.id })).toHaveLength(2);
  });

  it('costs a tenant without a subscriber no event and no query per turn (the answer is cached)', async () => {
    const { tenantId, call } = await seedCall(bed.db, bed.world.clock);
    const updates = new TranscriptUpdates({ db: bed.db, clock: bed.world.clock, events: bed.world.events, subscriptionCacheMs: 5_000 });
    await updates.saveTurn({ tenantId, callId: call.id, ...turn(0, 'user', 'Hello?') });
    // Subscribed now, but the "no subscriber" answer still holds for 5 s: this turn sends nothing…
    await bed.world.endpoints.create(tenantId, { url: bed.receiver.url, events: ['transcript.updated'] });
    await updates.saveTurn({ tenantId, callId: call.id, ...turn(1, 'assistant', 'Hi!') });
    expect(await listCallJobs(bed.db, { tenantId, callId: call.id })).toEqual([]);
    // …and once it expires, the next turn does.
    bed.world.clock.advance(5_001);
    await updates.saveTurn({ tenantId, callId: call.id, ...turn(2, 'user', 'Bye.') });
    await bed.world.pool.drain();
    expect(bodies().map((b) => (b.data.turn as { text: string }).text)).toEqual(['Bye.']);
    expect(await listTranscript(bed.db, { tenantId, callId: call.id })).toHaveLength(3);
  });

  it('the final event is sent once per call, even if the call-ended job runs again', async () => {
    const { tenantId, call } = await seedCall(bed.db, bed.world.clock);
    await bed.world.endpoints.create(tenantId, { url: bed.receiver.url, events: ['transcript.updated'] });
    await bed.world.runCall(tenantId, call.id);
    await bed.world.pool.drain();
    // What a second run of the call-ended job would emit (after a crash before its success was recorded).
    const again = await bed.db.transaction((tx) =>
      bed.world.events.emitEvent(tx, tenantId, { type: 'transcript.updated', callId: call.id, data: {}, dedupeKey: `transcript.updated:${call.id}:final` }),
    );
    expect(again.deliveries).toBe(0);
    await bed.world.pool.drain();
    expect(bodies().map((b) => b.data.final)).toEqual([true]);
  });
});
