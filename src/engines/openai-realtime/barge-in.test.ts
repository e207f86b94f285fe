import { describe, expect, it } from 'vitest';
import { callerTalksOver, replyUnderway, useMulawSessions } from '../../testing/openai-realtime-barge-in.ts';

const open = useMulawSessions();

describe('barge-in with server VAD', () => {
  it('truncates the interrupted item at an integer position within 60 ms of what was heard, without a redundant cancel', async () => {
    const call = await open({
      userSays: ['Tell me everything.', 'Wait, stop.'],
      replies: [{ type: 'message', text: 'This is a long answer that the caller will interrupt halfway through', audioMs: 4000 }, { type: 'message', text: 'Okay, go ahead.', audioMs: 300 }],
    });
    const { fake, session, recorder } = call;
    const itemId = await replyUnderway(call, 1_000);

    // The caller talks over the answer; the runtime reacts to speech_started with what was actually played.
    await callerTalksOver(call);
    const heardMs = 612.7;
    session.interrupt({ itemId, heardMs });

    const cancelled = await recorder.next('response_done');
    expect(cancelled.status).toBe('cancelled');
    const interrupted = await recorder.next('assistant_text_done', (event) => event.itemId === itemId);
    expect(interrupted.text.length).toBeGreaterThan(0);
    const upstream = await fake.waitForSession();
    await fake.waitForServerEvent('conversation.item.truncated');
    const [truncate] = upstream.truncations;
    expect(upstream.truncations).toHaveLength(1);
    expect(truncate).toMatchObject({ itemId, contentIndex: 0, accepted: true });
    expect(Number.isInteger(truncate?.audioEndMs)).toBe(true);
    expect(Math.abs((truncate?.audioEndMs ?? Number.NaN) - heardMs)).toBeLessThanOrEqual(60);
    expect(truncate?.audioEndMs).toBeLessThanOrEqual(truncate?.generatedAudioMs ?? -1);

    // The server cancelled on speech already: no response.cancel, so no response_cancel_not_active noise.
    expect(upstream.clientEvents.some((event) => event.event?.type === 'response.cancel')).toBe(false);
    expect(upstream.serverEvents.filter((event) => event.type === 'error')).toEqual([]);

    const next = await recorder.next('assistant_text_done', (event) => event.itemId !== itemId);
    expect(next.text).toBe('Okay, go ahead.');
    expect(recorder.all('error')).toEqual([]);
  });
});
