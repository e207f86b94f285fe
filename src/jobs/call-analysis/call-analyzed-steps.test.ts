import { describe, expect, it } from 'vitest';
import { getCallAnalysis } from '../../store/queries/call-analyses.ts';
import { listCallJobs } from '../../store/queries/jobs.ts';
import { analysisWorld, bookingSchema, useAnalysisTestbed } from '../../testing/analysis-world.ts';
import { json, scriptByFormat, text } from '../../testing/fake-openai-chat/index.ts';
import type { CallAnalyzedEvent, CallAnalyzedStep } from './call-analyzed.ts';
import { callAnalysisJobKind } from './call-analyzed.ts';
import { listTranscript, upsertTranscriptItem } from '../../store/queries/transcript-items.ts';

const bed = useAnalysisTestbed();

const plan = { summary: {}, extraction: { name: 'booking', schema: bookingSchema }, sink: 'handlehome' as const };
const booking = { name: 'Julie Martin', phone: '06 12 34 56 78', partySize: 4 };

describe('call-analyzed steps', () => {
  it('run once with the call, its transcript, the analysis and the plan, inside the transaction that stores the analysis', async () => {
    const seen: CallAnalyzedEvent[] = [];
    const step: CallAnalyzedStep = async (tx, event) => {
      seen.push(event);
      // The step sees the analysis row its own transaction wrote (same tx): it could link records to it.
      const stored = await getCallAnalysis(tx, { tenantId: event.call.tenantId, callId: event.call.id });
      expect(stored?.extraction).toEqual(booking);
      // Writes through tx commit with the analysis.
      await upsertTranscriptItem(tx, { tenantId: event.call.tenantId, callId: event.call.id, seq: 99, role: 'system', text: 'record written', startMs: 0, endMs: null, interrupted: false });
    };
    const world = analysisWorld(bed.db, bed.fake, { onCallAnalyzed: [step] });
    bed.fake.respondWith(scriptByFormat({ text: [text('Julie booked a table for four.')], booking: [json(booking)] }));
    const call = await world.endedCall(plan);
    await world.pool.drain();
    expect(seen).toHaveLength(1);
    const [event] = seen;
    expect(event?.call.id).toBe(call.id);
    expect(event?.call.agentSnapshot.analysis?.sink).toBe('handlehome');
    expect(event?.plan.sink).toBe('handlehome');
    expect(event?.transcript.map((t) => t.role)).toEqual(['assistant', 'user', 'assistant', 'user', 'assistant']);
    expect(event?.analysis).toEqual({ summary: 'Julie booked a table for four.', extraction: booking, evaluation: null });
    expect(event?.at).toBeInstanceOf(Date);
  });

  it('a step that throws rolls everything back: no analysis row, no step writes; the job is retried and then succeeds', async () => {
    let failures = 1;
    const step: CallAnalyzedStep = async (tx, event) => {
      await upsertTranscriptItem(tx, { tenantId: event.call.tenantId, callId: event.call.id, seq: 99, role: 'system', text: 'record written', startMs: 0, endMs: null, interrupted: false });
      if (failures-- > 0) throw new Error('the records store is down');
    };
    const world = analysisWorld(bed.db, bed.fake, { onCallAnalyzed: [step] });
    bed.fake.respondWith(scriptByFormat({ text: [text('First summary.'), text('Second summary.')], booking: [json(booking), json(booking)] }));
    const call = await world.endedCall(plan);
    await world.pool.drain();
    const scope = { tenantId: call.tenantId, callId: call.id };
    expect(await getCallAnalysis(bed.db, scope)).toBeUndefined();
    const [job] = (await listCallJobs(bed.db, scope)).filter((j) => j.kind === callAnalysisJobKind);
    expect(job).toMatchObject({ status: 'queued', attempts: 1 });
    expect(job?.lastError).toContain('the records store is down');
    expect((await listTranscript(bed.db, scope)).some((t) => t.seq === 99)).toBe(false);

    world.clock.advance(60_000);
    await world.pool.drain();
    expect(await getCallAnalysis(bed.db, scope)).toMatchObject({ status: 'succeeded', summary: 'Second summary.' });
    expect((await listTranscript(bed.db, scope)).filter((t) => t.seq === 99)).toHaveLength(1);
  });
});
