import { describe, expect, it } from 'vitest';
import { assistantAudioBytes } from '../../testing/openai-realtime-test-harness.ts';
import { callerTalksOver, replyUnderway, useMulawSessions } from '../../testing/openai-realtime-barge-in.ts';

const open = useMulawSessions();

describe('barge-in past the generated audio', () => {
  it('clamps audio_end_ms to the audio generated for the item, so the truncate is accepted', async () => {
    const call = await open({ replies: [{ type: 'message', text: 'A long answer that gets cut off early on', audioMs: 4000 }] });
    const { fake, session, recorder } = call;
    const itemId = await replyUnderway(call, 500);
    await callerTalksOver(call);

    // A playback report beyond what was generated (e.g. a clock-based estimate that overshot).
    session.interrupt({ itemId, heardMs: 99_999.4 });

    const upstream = await fake.waitForSession();
    await fake.waitForServerEvent('conversation.item.truncated');
    const [truncate] = upstream.truncations;
    const generatedMs = assistantAudioBytes(recorder, itemId) / 8;
    expect(truncate).toMatchObject({ itemId, accepted: true, audioEndMs: Math.floor(generatedMs), generatedAudioMs: Math.floor(generatedMs) });
    expect(Number.isInteger(truncate?.audioEndMs)).toBe(true);
    expect(upstream.serverEvents.filter((event) => event.type === 'error')).toEqual([]);
  });
});
