import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../testing/runtime-fakes/index.ts';
import { TwilioOutbound } from './twilio-messages.ts';
import { FRAME_BYTES, TwilioPlayout } from './twilio-playout.ts';

const STREAM = 'MZ0123456789abcdef0123456789abcdef';

interface Sent {
  readonly event: string;
  readonly payload?: Buffer;
  readonly name?: string;
}

function playout(tailFlushMs = 60): { readonly playout: TwilioPlayout; readonly sent: Sent[]; readonly clock: ManualClock } {
  const clock = new ManualClock();
  const sent: Sent[] = [];
  const send = (text: string): void => {
    const message = JSON.parse(text) as { event: string; media?: { payload: string }; mark?: { name: string } };
    sent.push({
      event: message.event,
      ...(message.media ? { payload: Buffer.from(message.media.payload, 'base64') } : {}),
      ...(message.mark ? { name: message.mark.name } : {}),
    });
  };
  return { playout: new TwilioPlayout({ send, outbound: new TwilioOutbound(STREAM), clock, tailFlushMs }), sent, clock };
}

/** Bytes 0..n-1 (mod 256, never 0xFF so padding is recognisable). */
function ramp(n: number, from = 0): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (from + i) % 255);
}

describe('outbound framing', () => {
  it('re-frames any chunk sizes into 160-byte frames, carrying the remainder between chunks', () => {
    const { playout: out, sent } = playout();
    const audio = ramp(1000);
    out.push('item-1', audio.subarray(0, 100));
    out.push('item-1', audio.subarray(100, 433));
    out.push('item-1', audio.subarray(433, 1000));
    const frames = sent.filter((message) => message.event === 'media');
    expect(frames.map((frame) => frame.payload?.length)).toEqual([160, 160, 160, 160, 160, 160]);
    expect(Buffer.concat(frames.map((frame) => frame.payload ?? Buffer.alloc(0)))).toEqual(Buffer.from(audio.subarray(0, 960)));
    expect(out.stats.framesSent).toBe(6);
  });

  it('follows every media frame with its mark, named by generation and sequence', () => {
    const { playout: out, sent } = playout();
    out.push('item-1', ramp(480));
    expect(sent.map((message) => message.event)).toEqual(['media', 'mark', 'media', 'mark', 'media', 'mark']);
    expect(sent.filter((message) => message.event === 'mark').map((message) => message.name)).toEqual(['0:1', '0:2', '0:3']);
  });

  it('sends the last partial frame padded with μ-law silence once the item goes quiet', () => {
    const { playout: out, sent, clock } = playout(60);
    out.push('item-1', ramp(200));
    expect(sent.filter((message) => message.event === 'media')).toHaveLength(1);
    clock.advance(59);
    expect(sent.filter((message) => message.event === 'media')).toHaveLength(1);
    clock.advance(1);
    const frames = sent.filter((message) => message.event === 'media');
    expect(frames).toHaveLength(2);
    const tail = frames[1]?.payload ?? Buffer.alloc(0);
    expect(tail).toHaveLength(FRAME_BYTES);
    expect(tail.subarray(0, 40)).toEqual(Buffer.from(ramp(200).subarray(160)));
    expect([...tail.subarray(40)].every((byte) => byte === 0xff)).toBe(true);
    expect(out.stats.paddingBytes).toBe(120);
  });

  it('does not flush the tail while the item keeps streaming', () => {
    const { playout: out, sent, clock } = playout(60);
    for (let i = 0; i < 10; i++) {
      out.push('item-1', ramp(100, i * 100));
      clock.advance(40);
    }
    expect(sent.filter((message) => message.event === 'media').map((frame) => frame.payload?.length)).toEqual([160, 160, 160, 160, 160, 160]);
    expect(out.stats.paddingBytes).toBe(0);
  });

  it('closes an item with its own padded frame when the next item starts: frames never mix items', () => {
    const { playout: out, sent } = playout();
    out.push('item-1', ramp(170));
    out.push('item-2', ramp(160, 50));
    const frames = sent.filter((message) => message.event === 'media');
    expect(frames).toHaveLength(3);
    expect(frames[1]?.payload?.subarray(0, 10)).toEqual(Buffer.from(ramp(170).subarray(160)));
    expect(frames[2]?.payload).toEqual(Buffer.from(ramp(160, 50)));
  });

  it('reports positions from acknowledged marks in real bytes of each item, padding excluded', () => {
    const { playout: out, sent, clock } = playout();
    out.push('item-1', ramp(400));
    clock.advance(60);
    out.push('item-2', ramp(160));
    const marks = sent.filter((message) => message.event === 'mark').map((message) => message.name ?? '');
    expect(marks).toEqual(['0:1', '0:2', '0:3', '0:4']);
    expect(out.ack('0:1')).toEqual({ itemId: 'item-1', playedMs: 20, generation: 0 });
    expect(out.ack('0:3')).toEqual({ itemId: 'item-1', playedMs: 50, generation: 0 });
    expect(out.ack('0:4')).toEqual({ itemId: 'item-2', playedMs: 20, generation: 0 });
    expect(out.unplayedMs).toBe(0);
  });
});
