import { describe, expect, it } from 'vitest';
import { getCallAnalysis } from '../../store/queries/call-analyses.ts';
import { listCallJobs } from '../../store/queries/jobs.ts';
import type { CallRow } from '../../store/schema/calls.ts';
import { analysisWorld, bookingSchema, useAnalysisTestbed } from '../../testing/analysis-world.ts';
import { newId } from '../../core/ids.ts';
import { snapshotAgent } from '../../services/calls.ts';
import { createCall, transitionCall } from '../../store/queries/calls.ts';
import { seedTenant } from '../../testing/store-fixtures.ts';
import { callAnalysisJobKind } from './call-analyzed.ts';
import { measureTranscript, tooShortReason } from './transcript-size.ts';

const bed = useAnalysisTestbed();

const plan = { summary: {}, extraction: { schema: bookingSchema } };

async function analysisJobs(call: CallRow) {
  return (await listCallJobs(bed.db, { tenantId: call.tenantId, callId: call.id })).filter((j) => j.kind === callAnalysisJobKind);
}

describe('transcript thresholds', () => {
  it('count spoken words and characters, and the caller’s words apart (system and tool items excluded)', () => {
    const size = measureTranscript([
      { role: 'assistant', text: 'Hello, how can I help?' },
      { role: 'user', text: ' Euh… a table, please — for 4. ' },
      { role: 'system', text: 'tool output with many many words in it' },
    ]);
    expect(size).toEqual({ chars: 22 + 29, words: 5 + 6, callerWords: 6 });
    expect(tooShortReason(size, undefined)).toBeUndefined();
    expect(tooShortReason(size, { minCallerWords: 7 })).toBe('transcript too short: 6 caller words (minimum 7)');
    expect(tooShortReason({ chars: 12, words: 3, callerWords: 1 }, undefined)).toBe(
      'transcript too short: 12 characters (minimum 50), 3 words (minimum 10), 1 caller words (minimum 5)',
    );
  });

  it('skip a short call without calling the model, with the reason in the job result and the stored analysis', async () => {
    const world = analysisWorld(bed.db, bed.fake);
    const call = await world.endedCall(plan, [
      ['assistant', 'Hello, Chez Marco, how can I help you today?'],
      ['user', 'Wrong number, sorry.'],
    ]);
    await world.pool.drain();
    expect(bed.fake.requests).toHaveLength(0);
    const [job] = await analysisJobs(call);
    expect(job).toMatchObject({ status: 'skipped', result: { reason: 'transcript too short: 3 caller words (minimum 5)' } });
    expect(await getCallAnalysis(bed.db, { tenantId: call.tenantId, callId: call.id })).toMatchObject({
      status: 'skipped',
      reason: 'transcript too short: 3 caller words (minimum 5)',
      summary: null,
      extraction: null,
      model: null,
    });
  });

  it('follow the plan’s own thresholds, and skip a call that never connected', async () => {
    const world = analysisWorld(bed.db, bed.fake);
    const lenient = await world.endedCall({ ...plan, thresholds: { minChars: 0, minWords: 0, minCallerWords: 0 } }, [['user', 'Hi.']]);
    bed.fake.respondWith(() => ({ kind: 'error', status: 400, message: 'reached the model' }));
    await world.pool.drain();
    expect(bed.fake.requests).toHaveLength(1);
    expect((await analysisJobs(lenient))[0]?.lastError).toContain('reached the model');

    const { tenant, agent } = await seedTenant(bed.db, 'unjoined');
    const at = new Date(world.clock.nowMs());
    const unjoined = await createCall(bed.db, { id: newId(), tenantId: tenant.id, userId: null, agentId: agent.id, agentSnapshot: { ...snapshotAgent(agent), analysis: plan }, channel: 'api', direction: 'inbound', metadata: {}, at });
    await transitionCall(bed.db, { tenantId: tenant.id, callId: unjoined.id, to: 'expired', reason: 'not_joined', at });
    await world.pool.drain();
    expect(bed.fake.requests).toHaveLength(1);
    expect((await analysisJobs(unjoined))[0]).toMatchObject({ status: 'skipped', result: { reason: 'the call never connected' } });
  });

  it('give no job at all to calls of agents without a plan', async () => {
    const world = analysisWorld(bed.db, bed.fake);
    const call = await world.endedCall({});
    await world.pool.drain();
    expect(await analysisJobs(call)).toEqual([]);
    expect((await listCallJobs(bed.db, { tenantId: call.tenantId, callId: call.id })).map((j) => j.kind)).toEqual(['call-started', 'call-ended']);
  });
});
