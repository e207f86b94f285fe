import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { callAnalysisJobKind } from '../call-analysis/call-analyzed.ts';
import { getCallAnalysis } from '../../store/queries/call-analyses.ts';
import { listCallJobs } from '../../store/queries/jobs.ts';
import { handlehomeCustomers } from '../../store/schema/handlehome-customers.ts';
import { handlehomeOrders } from '../../store/schema/handlehome-orders.ts';
import { handlehomeRequests } from '../../store/schema/handlehome-requests.ts';
import type { CallRow } from '../../store/schema/calls.ts';
import { analysisWorld, bookingSchema, useAnalysisTestbed } from '../../testing/analysis-world.ts';
import { json, offSchema, scriptByFormat, text } from '../../testing/fake-openai-chat/index.ts';
import { handlehomeExtraction } from '../../testing/handlehome-fixtures.ts';
import { agentFromTemplate } from '../../services/agent-templates.ts';
import { handlehomeRecordsStep } from './records-step.ts';

/**
 * The HandleHome records step inside the real post-call pipeline (lifecycle job → analysis job with
 * the fake Chat Completions → steps), with the template's own analysis plan.
 */
const bed = useAnalysisTestbed();

const templatePlan = agentFromTemplate('handlehome').analysis;
const transcript = [
  ['assistant', 'Bonjour, restaurant Chez Marco, que puis-je faire pour vous ?'],
  ['user', 'Bonjour, c’est Léa Martin, je voudrais deux burgers classiques à emporter pour lundi dix-neuf heures.'],
  ['assistant', 'Très bien, deux burgers classiques pour lundi à 19 h. À quel numéro puis-je vous joindre ?'],
  ['user', 'Au 06 98 76 54 32, merci.'],
  ['assistant', 'C’est noté, à lundi !'],
] as const;

async function recordsOf(call: CallRow) {
  const tenant = call.tenantId;
  return {
    customers: await bed.db.select().from(handlehomeCustomers).where(eq(handlehomeCustomers.tenantId, tenant)),
    requests: await bed.db.select().from(handlehomeRequests).where(eq(handlehomeRequests.tenantId, tenant)),
    orders: await bed.db.select().from(handlehomeOrders).where(eq(handlehomeOrders.tenantId, tenant)),
  };
}

async function analysisJob(call: CallRow) {
  const jobs = await listCallJobs(bed.db, { tenantId: call.tenantId, callId: call.id });
  return jobs.find((job) => job.kind === callAnalysisJobKind);
}

describe('HandleHome records from the post-call pipeline', () => {
  it('a valid extraction under the template’s plan becomes customer, call record and order', async () => {
    const world = analysisWorld(bed.db, bed.fake, { onCallAnalyzed: [handlehomeRecordsStep] });
    bed.fake.respondWith(scriptByFormat({ text: [text('Léa commande deux burgers pour lundi 19 h.')], handlehome_call: [json(handlehomeExtraction({ telephone: '06 98 76 54 32' }))] }));
    const call = await world.endedCall(templatePlan, transcript);
    await world.pool.drain();
    expect(await analysisJob(call)).toMatchObject({ status: 'succeeded' });
    const { customers, requests, orders } = await recordsOf(call);
    expect(customers).toMatchObject([{ phone: '+33698765432', firstName: 'Léa', lastName: 'Martin' }]);
    expect(requests).toMatchObject([{ callId: call.id, customerId: customers[0]?.id, callerPhone: null }]);
    expect(orders).toMatchObject([{ callId: call.id, requestId: requests[0]?.id, origin: 'system', items: [{ name: 'Burger classique', quantity: 2 }] }]);
    // The model was held to the template's schema, in strict mode.
    const extractionRequest = bed.fake.requests.find((r) => r.body.response_format?.type === 'json_schema');
    expect(extractionRequest?.body.response_format).toMatchObject({ json_schema: { name: 'handlehome_call', strict: true } });
  });

  it('a model answer that does not fit the schema (twice) writes no record; the job fails with the validation error', async () => {
    const world = analysisWorld(bed.db, bed.fake, { onCallAnalyzed: [handlehomeRecordsStep] });
    const wrong = offSchema(handlehomeExtraction({ type_demande: 'Pizza party' }));
    bed.fake.respondWith(scriptByFormat({ text: [text('Résumé.')], handlehome_call: [wrong, wrong] }));
    const call = await world.endedCall(templatePlan, transcript);
    await world.pool.drain();
    const job = await analysisJob(call);
    expect(job?.status).toBe('failed');
    expect(job?.lastError).toContain('type_demande');
    expect(await recordsOf(call)).toEqual({ customers: [], requests: [], orders: [] });
  });

  it('an agent that keeps the handlehome sink with another extraction schema: the job fails at once, nothing is written', async () => {
    const world = analysisWorld(bed.db, bed.fake, { onCallAnalyzed: [handlehomeRecordsStep] });
    bed.fake.respondWith(scriptByFormat({ text: [text('Résumé.')], booking: [json({ name: 'Léa Martin', phone: null, partySize: 2 })] }));
    const call = await world.endedCall({ summary: {}, extraction: { name: 'booking', schema: bookingSchema }, sink: 'handlehome' }, transcript);
    await world.pool.drain();
    const job = await analysisJob(call);
    expect(job).toMatchObject({ status: 'failed', attempts: 1 });
    expect(job?.lastError).toContain('does not fit the HandleHome records');
    expect(await getCallAnalysis(bed.db, { tenantId: call.tenantId, callId: call.id })).toBeUndefined();
    expect(await recordsOf(call)).toEqual({ customers: [], requests: [], orders: [] });
  });
});
