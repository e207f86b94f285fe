import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { callAnalyses } from '../../store/schema/call-analyses.ts';
import { webhookEvents } from '../../store/schema/webhook-events.ts';
import { analysisWorld, useAnalysisTestbed } from '../../testing/analysis-world.ts';
import { text } from '../../testing/fake-openai-chat/index.ts';
import { ManualClock, reloadJob, testLeaseMs, testPool } from '../../testing/job-fixtures.ts';
import { enqueue } from '../queue.ts';
import { callAnalysisJobKind } from './call-analyzed.ts';
import { callAnalysisKey } from './enqueue-analysis.ts';

const bed = useAnalysisTestbed();

describe('an analysis whose worker stalls past its lease', () => {
  it('is finished by another worker; the stalled one cannot commit: one stored analysis, one call.analyzed', async () => {
    const world = analysisWorld(bed.db, bed.fake);
    const call = await world.endedCall({ summary: {} }, undefined, (tenantId) => world.endpoints.create(tenantId, { url: 'http://127.0.0.1:9/unused', events: ['call.analyzed'] }));
    const at = new Date(world.clock.nowMs());
    const { job } = await enqueue(bed.db, { tenantId: call.tenantId, callId: call.id, kind: callAnalysisJobKind, payload: { callId: call.id }, idempotencyKey: callAnalysisKey(call.id), at });
    // Process A's model answer comes late (its clock stands still: no heartbeat); process B's at once.
    bed.fake.enqueue({ kind: 'delay', ms: 1_500, then: text('Summary from the stalled worker.') }, text('Summary from the second worker.'));
    const clockA = new ManualClock(world.clock.nowMs());
    const clockB = new ManualClock(world.clock.nowMs());
    const a = testPool(bed.db, clockA, [world.analysisHandler], { workerId: 'process-a' });
    const b = testPool(bed.db, clockB, [world.analysisHandler], { workerId: 'process-b' });

    expect(await a.tick()).toBe(1);
    await expect.poll(() => bed.fake.requests.length, { timeout: 10_000 }).toBe(1);
    clockB.advance(testLeaseMs + 1);
    expect(await b.drain()).toBe(1);
    await a.idle();

    expect(await reloadJob(bed.db, job)).toMatchObject({ status: 'succeeded', attempts: 2 });
    const rows = await bed.db.select().from(callAnalyses).where(eq(callAnalyses.callId, call.id));
    expect(rows.map((r) => r.summary)).toEqual(['Summary from the second worker.']);
    const events = await bed.db.select().from(webhookEvents).where(and(eq(webhookEvents.callId, call.id), eq(webhookEvents.type, 'call.analyzed')));
    expect(events).toHaveLength(1);
    expect(bed.fake.requests).toHaveLength(2);
  });
});
