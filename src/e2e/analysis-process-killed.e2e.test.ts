import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { callAnalysisJobKind } from '../jobs/call-analysis/call-analyzed.ts';
import { eventIdHeader, eventTypeHeader, signatureHeader } from '../services/webhooks/signature.ts';
import { verifyWebhookSignature } from '../services/webhooks/verify.ts';
import { transitionCall } from '../store/queries/calls.ts';
import { upsertTranscriptItem } from '../store/queries/transcript-items.ts';
import { callAnalyses } from '../store/schema/call-analyses.ts';
import { handlehomeCustomers } from '../store/schema/handlehome-customers.ts';
import { handlehomeOrders } from '../store/schema/handlehome-orders.ts';
import { handlehomeRequests } from '../store/schema/handlehome-requests.ts';
import { jobs } from '../store/schema/jobs.ts';
import { webhookEvents } from '../store/schema/webhook-events.ts';
import { createDurableTestDatabase, type DurableTestDatabase } from '../testing/durable-test-database.ts';
import { hang, json, messageText, startFakeOpenAiChat, text, type ChatCompletionRequest, type FakeOpenAiChat, type ScriptedReply } from '../testing/fake-openai-chat/index.ts';
import { handlehomeExtraction } from '../testing/handlehome-fixtures.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../testing/webhook-receiver.ts';
import { api, registerTenant } from './child-api.ts';
import { shortLeaseJobEnv, startChildServer, type ChildServer } from './child-server.ts';

/** One caller per call, told apart by name in the transcript; each gives their own number (one customer each). */
const callers = [
  { nom: 'Martin', phone: '06 12 34 56 71', e164: '+33612345671' },
  { nom: 'Bernard', phone: '06 12 34 56 72', e164: '+33612345672' },
  { nom: 'Dubois', phone: '06 12 34 56 73', e164: '+33612345673' },
  { nom: 'Moreau', phone: '06 12 34 56 74', e164: '+33612345674' },
] as const;
const concurrency = 2;
const jobEnv = shortLeaseJobEnv(concurrency);

function conversation(nom: string, phone: string): readonly (readonly ['user' | 'assistant', string])[] {
  return [
    ['assistant', 'Bonjour, HandleHome restaurant, que puis-je faire pour vous ?'],
    ['user', `Bonjour, c’est Léa ${nom}, je voudrais deux burgers classiques à emporter pour lundi 19 heures, un sans oignons.`],
    ['assistant', `Très bien madame ${nom}, deux burgers classiques à emporter lundi à 19 heures. Un numéro pour vous joindre ?`],
    ['user', `Oui, le ${phone}, avec du cheddar sur les deux, merci, ce sera tout.`],
  ];
}

/** Which caller a request is about, from the transcript in its user message. */
function callerOf(request: ChatCompletionRequest): (typeof callers)[number] {
  const said = request.messages.filter((m) => m.role === 'user').map(messageText).join('\n');
  const caller = callers.find((c) => said.includes(`Léa ${c.nom}`));
  if (!caller) throw new Error(`a model request about no known caller: ${said.slice(0, 200)}`);
  return caller;
}

let database: DurableTestDatabase;
let receiver: WebhookReceiver;
let fake: FakeOpenAiChat;
let server: ChildServer | undefined;
/** Model requests after the restart, per caller and kind (`text`: the summary; `handlehome_call`: the extraction). */
const answered: string[] = [];
let phase: 'hang' | 'answer' = 'hang';
beforeAll(async () => {
  database = await createDurableTestDatabase();
  receiver = await startWebhookReceiver();
  fake = await startFakeOpenAiChat();
  fake.respondWith((request): ScriptedReply => {
    const caller = callerOf(request);
    const format = request.response_format;
    const name = format?.type === 'json_schema' ? format.json_schema.name : 'text';
    // Before the kill the summary is answered and the extraction hangs: the attempt has a model answer in hand, nothing committed.
    if (phase === 'hang') return name === 'text' ? text('Résumé de la première tentative.') : hang();
    answered.push(`${caller.nom}:${name}`);
    if (name === 'text') return text(`Léa ${caller.nom} commande deux burgers classiques à emporter pour lundi 19 h.`);
    return json(handlehomeExtraction({ nom: caller.nom, telephone: caller.phone }));
  });
});
afterAll(async () => {
  await server?.kill('SIGKILL');
  await fake.close();
  await receiver.close();
  await database.dispose();
});

function start(): Promise<ChildServer> {
  return startChildServer({ ...database.env, ...jobEnv, OPENAI_BASE_URL: fake.baseUrl, OPENAI_API_KEY: fake.apiKey });
}

describe('the server process is killed while post-call analysis jobs run', () => {
  it('after a restart every call is analysed once: one analysis, one call.analyzed, one customer, call record and order each', async () => {
    server = await start();
    const { accessToken: token, tenant } = await registerTenant(server.baseUrl, 'analysis', 'Crash');
    const { secret } = await api<{ secret: string }>(server.baseUrl, '/v1/webhooks', { method: 'POST', token, body: { url: receiver.url, events: ['call.analyzed'] } });
    const agent = await api<{ id: string }>(server.baseUrl, '/v1/agents', { method: 'POST', token, body: { template: 'handlehome' } });
    const callIds: string[] = [];
    for (let i = 0; i < callers.length; i += 1) callIds.push((await api<{ id: string }>(server.baseUrl, '/v1/calls', { method: 'POST', token, body: { agentId: agent.id } })).id);
    expect((await server.kill('SIGTERM')).code, server.output()).toBe(0);

    // No live-call kit in the child: the calls connect and talk through the store, while no server runs (PGlite has one writer).
    const scope = (callId: string) => ({ tenantId: tenant.id, callId });
    let handle = await database.open();
    try {
      for (const [i, callId] of callIds.entries()) {
        const caller = callers[i] ?? callers[0];
        expect((await transitionCall(handle.db, { ...scope(callId), to: 'active', at: new Date() })).ok).toBe(true);
        for (const [seq, [role, said]] of conversation(caller.nom, caller.phone).entries()) {
          await upsertTranscriptItem(handle.db, { ...scope(callId), seq, role, text: said, startMs: seq * 4000, endMs: seq * 4000 + 3500, interrupted: false });
        }
      }
    } finally {
      await handle.close();
    }

    // The extraction requests hang: the first analysis jobs are caught mid-request when the process dies.
    server = await start();
    for (const callId of callIds) await api(server.baseUrl, `/v1/calls/${callId}/end`, { method: 'POST', token, body: { reason: 'done' } });
    await vi.waitFor(() => { expect(fake.hanging).toBe(concurrency); }, { timeout: 30_000, interval: 50 });
    expect((await server.kill('SIGKILL')).signal).toBe('SIGKILL');
    expect(fake.requests).toHaveLength(2 * concurrency); // a summary and a hung extraction per running job, nothing from the queued ones
    await vi.waitFor(() => { expect(fake.hanging).toBe(0); }); // the dead process's connections closed

    handle = await database.open();
    try {
      const left = await handle.db.select({ kind: jobs.kind, status: jobs.status }).from(jobs).where(eq(jobs.tenantId, tenant.id));
      const analysisJobs = left.filter((j) => j.kind === callAnalysisJobKind);
      expect(analysisJobs.filter((j) => j.status === 'running')).toHaveLength(concurrency);
      expect(analysisJobs.filter((j) => j.status === 'succeeded')).toHaveLength(0);
      // The interrupted attempts wrote nothing: no analysis, no event, no records.
      expect(await handle.db.select().from(callAnalyses).where(eq(callAnalyses.tenantId, tenant.id))).toHaveLength(0);
      expect((await handle.db.select({ type: webhookEvents.type }).from(webhookEvents).where(eq(webhookEvents.tenantId, tenant.id))).filter((e) => e.type === 'call.analyzed')).toHaveLength(0);
      expect(await handle.db.select().from(handlehomeCustomers).where(eq(handlehomeCustomers.tenantId, tenant.id))).toHaveLength(0);
      expect(await handle.db.select().from(handlehomeRequests).where(eq(handlehomeRequests.tenantId, tenant.id))).toHaveLength(0);
      expect(await handle.db.select().from(handlehomeOrders).where(eq(handlehomeOrders.tenantId, tenant.id))).toHaveLength(0);
    } finally {
      await handle.close();
    }

    // The restarted process answers: the interrupted jobs run again once their lease expires, the others once.
    phase = 'answer';
    server = await start();
    await receiver.waitFor(callers.length);
    // Left time for a duplicate to show: a second run would send a second event.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const stopped = await server.kill('SIGTERM');
    expect(stopped.code, server.output()).toBe(0);

    // The model: one summary and one extraction per call after the restart, no more.
    expect([...answered].sort()).toEqual(callers.flatMap((c) => [`${c.nom}:handlehome_call`, `${c.nom}:text`]).sort());

    // The receiver: one call.analyzed per call, signed.
    expect(receiver.received).toHaveLength(callers.length);
    const delivered = receiver.received.map((r) => {
      expect(r.status).toBe(200);
      expect(r.headers[eventTypeHeader]).toBe('call.analyzed');
      expect(verifyWebhookSignature(r.rawBody, r.headers[signatureHeader], secret).ok).toBe(true);
      return { eventId: String(r.headers[eventIdHeader]), body: JSON.parse(r.rawBody) as { callId: string; data: { analysis: { status: string; extraction: { nom: string } } } } };
    });
    expect(new Set(delivered.map((d) => d.eventId)).size).toBe(callers.length);
    expect(delivered.map((d) => d.body.callId).sort()).toEqual([...callIds].sort());
    for (const { body } of delivered) {
      expect(body.data.analysis.status).toBe('succeeded');
      expect(body.data.analysis.extraction.nom).toBe(callers[callIds.indexOf(body.callId)]?.nom);
    }

    handle = await database.open();
    try {
      const byTenant = tenant.id;
      const analysisJobs = (await handle.db.select({ kind: jobs.kind, status: jobs.status, attempts: jobs.attempts }).from(jobs).where(eq(jobs.tenantId, byTenant))).filter(
        (j) => j.kind === callAnalysisJobKind,
      );
      expect(analysisJobs.map((j) => j.status)).toEqual(callers.map(() => 'succeeded'));
      // The interrupted ones ran twice (the first attempt died with the process), the others once.
      expect(analysisJobs.map((j) => j.attempts).sort()).toEqual([1, 1, 2, 2]);

      const analyses = await handle.db.select({ callId: callAnalyses.callId, status: callAnalyses.status }).from(callAnalyses).where(eq(callAnalyses.tenantId, byTenant));
      expect(analyses.map((a) => a.callId).sort()).toEqual([...callIds].sort());
      expect(analyses.every((a) => a.status === 'succeeded')).toBe(true);
      const events = await handle.db.select({ id: webhookEvents.id, type: webhookEvents.type, callId: webhookEvents.callId }).from(webhookEvents).where(eq(webhookEvents.tenantId, byTenant));
      const analyzed = events.filter((e) => e.type === 'call.analyzed');
      expect(analyzed.map((e) => e.callId).sort()).toEqual([...callIds].sort());
      expect(analyzed.map((e) => e.id).sort()).toEqual(delivered.map((d) => d.eventId).sort());

      // HandleHome: per call one customer (its caller's number), one call record, one order.
      const customers = await handle.db.select({ phone: handlehomeCustomers.phone, lastName: handlehomeCustomers.lastName }).from(handlehomeCustomers).where(eq(handlehomeCustomers.tenantId, byTenant));
      expect(customers.map((c) => `${c.lastName ?? ''} ${c.phone ?? ''}`).sort()).toEqual(callers.map((c) => `${c.nom} ${c.e164}`).sort());
      const requests = await handle.db.select({ callId: handlehomeRequests.callId }).from(handlehomeRequests).where(eq(handlehomeRequests.tenantId, byTenant));
      expect(requests.map((r) => r.callId).sort()).toEqual([...callIds].sort());
      const orders = await handle.db.select({ callId: handlehomeOrders.callId }).from(handlehomeOrders).where(eq(handlehomeOrders.tenantId, byTenant));
      expect(orders.map((o) => o.callId).sort()).toEqual([...callIds].sort());
    } finally {
      await handle.close();
    }
  }, 240_000);
});
