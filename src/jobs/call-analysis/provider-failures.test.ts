import { describe, expect, it } from 'vitest';
import { getCallAnalysis } from '../../store/queries/call-analyses.ts';
import { listCallJobs } from '../../store/queries/jobs.ts';
import type { CallRow } from '../../store/schema/calls.ts';
import { analysisWorld, useAnalysisTestbed } from '../../testing/analysis-world.ts';
import { failure, text } from '../../testing/fake-openai-chat/index.ts';
import { callAnalysisJobKind } from './call-analyzed.ts';
import { missingKeyReason } from './call-analysis-handler.ts';

const bed = useAnalysisTestbed();

const plan = { summary: { prompt: 'Summarise the call in one sentence.' } };

async function analysisJob(call: CallRow) {
  const jobs = await listCallJobs(bed.db, { tenantId: call.tenantId, callId: call.id });
  return jobs.find((j) => j.kind === callAnalysisJobKind);
}

describe('provider failures', () => {
  it('a 500 is retried by the queue after its backoff (the client does not retry on its own), then the analysis is stored', async () => {
    const world = analysisWorld(bed.db, bed.fake);
    bed.fake.enqueue(failure(500), failure(429), text('The caller booked a table.'));
    const call = await world.endedCall(plan);
    await world.pool.drain();
    expect(bed.fake.requests).toHaveLength(1);
    let job = await analysisJob(call);
    expect(job).toMatchObject({ status: 'queued', attempts: 1 });
    expect(job?.lastError).toContain('the model provider answered HTTP 500');
    expect(job?.runAt.getTime()).toBeGreaterThan(world.clock.nowMs());

    world.clock.advance(60_000);
    await world.pool.drain();
    job = await analysisJob(call);
    expect(job).toMatchObject({ status: 'queued', attempts: 2 });
    expect(job?.lastError).toContain('HTTP 429');

    world.clock.advance(60_000);
    await world.pool.drain();
    expect(bed.fake.requests).toHaveLength(3);
    expect(await analysisJob(call)).toMatchObject({ status: 'succeeded', attempts: 3 });
    expect(await getCallAnalysis(bed.db, { tenantId: call.tenantId, callId: call.id })).toMatchObject({ status: 'succeeded', summary: 'The caller booked a table.' });
    expect(bed.fake.requests[2]?.body.messages[0]).toMatchObject({ role: 'system', content: expect.stringContaining('Summarise the call in one sentence.') as unknown });
  });

  it('a refusal that retrying cannot fix (401, unknown model) fails the job at once with the provider’s message', async () => {
    const world = analysisWorld(bed.db, bed.fake);
    bed.fake.enqueue({ kind: 'error', status: 404, message: 'The model `gpt-nope` does not exist or you do not have access to it.', code: 'model_not_found' });
    const call = await world.endedCall({ ...plan, model: 'gpt-nope' });
    await world.pool.drain();
    expect(bed.fake.requests[0]?.body.model).toBe('gpt-nope');
    const job = await analysisJob(call);
    expect(job).toMatchObject({ status: 'failed', attempts: 1 });
    expect(job?.lastError).toContain('HTTP 404: The model `gpt-nope` does not exist');
  });

  it('a request past its timeout is a retryable failure', async () => {
    const world = analysisWorld(bed.db, bed.fake, { requestTimeoutMs: 300 });
    bed.fake.enqueue({ kind: 'timeout' });
    const call = await world.endedCall(plan);
    await world.pool.drain();
    const job = await analysisJob(call);
    expect(job).toMatchObject({ status: 'queued', attempts: 1 });
    expect(job?.lastError).toContain('the model did not answer within 300 ms');
  });

  it('without OPENAI_API_KEY the job fails saying so; nothing falls back to a fake', async () => {
    const world = analysisWorld(bed.db, undefined);
    const call = await world.endedCall(plan);
    await world.pool.drain();
    const job = await analysisJob(call);
    expect(job).toMatchObject({ status: 'failed', attempts: 1 });
    expect(job?.lastError).toBe(`JobFailure: ${missingKeyReason}`);
    expect(missingKeyReason).toContain('OPENAI_API_KEY is needed for post-call analysis');
    expect(await getCallAnalysis(bed.db, { tenantId: call.tenantId, callId: call.id })).toBeUndefined();
  });
});
