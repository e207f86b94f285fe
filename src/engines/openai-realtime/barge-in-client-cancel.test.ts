import { describe, expect, it } from 'vitest';
import { replyUnderway, useMulawSessions } from '../../testing/openai-realtime-barge-in.ts';

const open = useMulawSessions();

describe('barge-in when the server does not interrupt (interruptResponse: false)', () => {
  it('cancels the active response itself, then truncates; a repeated interrupt sends nothing more', async () => {
    const call = await open(
      { replies: [{ type: 'message', text: 'An answer the runtime decides to cut', audioMs: 4000 }] },
      { turnDetection: { type: 'server_vad', interruptResponse: false } },
    );
    const { fake, session, recorder } = call;
    const itemId = await replyUnderway(call, 800);

    session.interrupt({ itemId, heardMs: 450 });
    session.interrupt({ itemId, heardMs: 450 });
    const done = await recorder.next('response_done');
    expect(done.status).toBe('cancelled');

    const upstream = await fake.waitForSession();
    await fake.waitForServerEvent('conversation.item.truncated');
    const sent = upstream.clientEvents.map((event) => event.event?.type).filter((type) => type !== 'input_audio_buffer.append');
    expect(sent).toEqual(['session.update', 'response.cancel', 'conversation.item.truncate']);
    expect(upstream.truncations.map((truncate) => [truncate.audioEndMs, truncate.accepted])).toEqual([[450, true]]);
    expect(upstream.serverEvents.filter((event) => event.type === 'error')).toEqual([]);
  });
});
