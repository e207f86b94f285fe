import { describe, expect, it } from 'vitest';
import { getCallAnalysis } from '../../store/queries/call-analyses.ts';
import { listCallJobs } from '../../store/queries/jobs.ts';
import type { CallRow } from '../../store/schema/calls.ts';
import { analysisWorld, bookingSchema, useAnalysisTestbed } from '../../testing/analysis-world.ts';
import { json, messageText, offSchema, scriptByFormat, text } from '../../testing/fake-openai-chat/index.ts';
import type { CallAnalyzedStep } from './call-analyzed.ts';
import { callAnalysisJobKind } from './call-analyzed.ts';

const bed = useAnalysisTestbed();

const plan = { summary: {}, extraction: { name: 'booking', schema: bookingSchema } };
const booking = { name: 'Julie Martin', phone: '06 12 34 56 78', partySize: 4 };

async function analysisJob(call: CallRow) {
  const jobs = await listCallJobs(bed.db, { tenantId: call.tenantId, callId: call.id });
  return jobs.filter((j) => j.kind === callAnalysisJobKind);
}

function extractionRequests() {
  return bed.fake.requests.filter((r) => r.body.response_format?.type === 'json_schema');
}

describe('structured extraction', () => {
  it('sends the schema as a strict json_schema response format, validates the answer and stores it with the summary', async () => {
    const world = analysisWorld(bed.db, bed.fake);
    bed.fake.respondWith(scriptByFormat({ text: [text('Julie Martin booked a table for four tomorrow at 8 pm.')], booking: [json(booking)] }));
    const call = await world.endedCall(plan);
    await world.pool.drain();
    const [request] = extractionRequests();
    expect(request?.body.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'booking', schema: bookingSchema, strict: true } });
    expect(request?.body.model).toBe('gpt-4o-mini');
    const transcript = messageText(request?.body.messages[1] ?? { role: 'user', content: '' });
    expect(transcript).toContain('Caller: Yes, it is 06 12 34 56 78.');
    expect(transcript).toContain('Agent: Hello, Chez Marco');
    const stored = await getCallAnalysis(bed.db, { tenantId: call.tenantId, callId: call.id });
    expect(stored).toMatchObject({ status: 'succeeded', summary: 'Julie Martin booked a table for four tomorrow at 8 pm.', extraction: booking, evaluation: null, model: 'gpt-4o-mini', reason: null });
    expect(stored?.usage).toMatchObject({ requests: 2 });
    expect(stored?.usage?.totalTokens).toBeGreaterThan(0);
    const [job] = await analysisJob(call);
    expect(job).toMatchObject({ status: 'succeeded', attempts: 1, result: { analysisId: stored?.id, model: 'gpt-4o-mini' } });
  });

  it('sends an invalid answer back once with its validation errors, and stores the corrected one', async () => {
    const world = analysisWorld(bed.db, bed.fake);
    const invalid = { name: 'J', phone: 'call me maybe', partySize: 4 };
    bed.fake.respondWith(scriptByFormat({ text: [text('A booking.')], booking: [offSchema(invalid), json(booking)] }));
    const call = await world.endedCall(plan);
    await world.pool.drain();
    const [first, retry] = extractionRequests();
    expect(retry?.body.response_format).toEqual(first?.body.response_format);
    const messages = retry?.body.messages ?? [];
    expect(messages.slice(0, 2)).toEqual(first?.body.messages);
    expect(messages[2]).toEqual({ role: 'assistant', content: JSON.stringify(invalid) });
    const correction = messageText(messages[3] ?? { role: 'user', content: '' });
    expect(messages[3]?.role).toBe('user');
    expect(correction).toContain('/name must NOT have fewer than 2 characters');
    expect(correction).toContain('/phone must match pattern');
    expect(await getCallAnalysis(bed.db, { tenantId: call.tenantId, callId: call.id })).toMatchObject({ status: 'succeeded', extraction: booking });
    expect((await analysisJob(call))[0]).toMatchObject({ status: 'succeeded', attempts: 1 });
  });

  it('fails the job with the validation errors when the retry is invalid too, and writes nothing', async () => {
    let stepRan = false;
    const step: CallAnalyzedStep = () => {
      stepRan = true;
      return Promise.resolve();
    };
    const world = analysisWorld(bed.db, bed.fake, { onCallAnalyzed: [step] });
    bed.fake.respondWith(
      scriptByFormat({ text: [text('A booking.')], booking: [offSchema({ name: 'Julie', phone: 'unknown', partySize: 0 }), offSchema({ name: 'Julie', phone: null, partySize: 0 })] }),
    );
    const call = await world.endedCall(plan, undefined, (tenantId) => world.endpoints.create(tenantId, { url: 'http://127.0.0.1:9/unused', events: ['call.analyzed'] }));
    await world.pool.drain();
    expect(extractionRequests()).toHaveLength(2);
    const [job] = await analysisJob(call);
    expect(job?.status).toBe('failed');
    expect(job?.attempts).toBe(1);
    expect(job?.lastError).toContain("the model's extraction does not fit the schema after one retry");
    expect(job?.lastError).toContain('/partySize must be >= 1');
    expect(job?.lastError).not.toContain('/phone');
    expect(await getCallAnalysis(bed.db, { tenantId: call.tenantId, callId: call.id })).toBeUndefined();
    expect(stepRan).toBe(false);
    const deliveries = (await listCallJobs(bed.db, { tenantId: call.tenantId, callId: call.id })).filter((j) => j.kind === 'webhook-delivery');
    expect(deliveries).toEqual([]);
  });

  it('treats an answer that is not JSON like an invalid one', async () => {
    const world = analysisWorld(bed.db, bed.fake);
    bed.fake.respondWith(scriptByFormat({ booking: [text('Sure! Here is the booking: name Julie'), json(booking)] }));
    const call = await world.endedCall({ extraction: { name: 'booking', schema: bookingSchema } });
    await world.pool.drain();
    expect(messageText(extractionRequests()[1]?.body.messages[3] ?? { role: 'user', content: '' })).toContain('the answer is not valid JSON');
    expect(await getCallAnalysis(bed.db, { tenantId: call.tenantId, callId: call.id })).toMatchObject({ status: 'succeeded', summary: null, extraction: booking });
  });
});
