import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../testing/manual-clock.ts';
import { silentLogger } from '../../testing/transport-test-support.ts';
import { WireCallTransport } from './wire-call-transport.ts';
import type { OutboundAudio, OutboundEvent } from './wire.ts';

function setup() {
  const sent: (OutboundEvent | OutboundAudio)[] = [];
  const closed: string[] = [];
  const transport = new WireCallTransport({
    request: { callId: 'call-1', inputSampleRateHz: 8000, outputSampleRateHz: 24000, playbackReports: true },
    wire: { sendEvent: (e) => sent.push(e), sendAudio: (a) => sent.push(a) },
    clock: new ManualClock(),
    logger: silentLogger(),
    onClosed: (reason) => closed.push(reason),
  });
  return { sent, closed, transport };
}

const chunk = (bytes: number[]) => ({ format: { encoding: 'pcm16' as const, sampleRateHz: 24000 }, data: new Uint8Array(bytes) });

describe('WireCallTransport', () => {
  it('lends the audio to the wire without copying it (a wire that keeps the bytes copies them)', () => {
    const { sent, transport } = setup();
    const data = chunk([1, 0]);
    transport.sendAudio('a1', data);
    expect(sent).toEqual([{ itemId: 'a1', generation: 0, sampleRateHz: 24000, data: new Uint8Array([1, 0]) }]);
    expect((sent[0] as OutboundAudio).data).toBe(data.data);
  });

  it('drops audio of items cut by a clear and stamps new items with the new generation', () => {
    const { sent, transport } = setup();
    transport.sendAudio('a1', chunk([1, 0]));
    transport.clear();
    transport.clear();
    transport.sendAudio('a1', chunk([2, 0]));
    transport.sendAudio('a2', chunk([3, 0]));
    transport.sendAudio('a2', chunk([4, 0]));
    expect(sent.map((s) => ('generation' in s && 'data' in s ? [s.itemId, s.generation] : s.type))).toEqual([
      ['a1', 0],
      ['a2', 2],
      ['a2', 2],
    ]);
    expect(transport.generationOfItem('a1')).toBe(0);
    expect(transport.generationOfItem('a2')).toBe(2);
    expect(transport.generationOfItem('a3')).toBeNull();
  });

  it('announces the start once and stamps interrupted notices with the current generation', () => {
    const { sent, transport } = setup();
    transport.announceStarted();
    transport.notify({ type: 'call_started', callId: 'call-1' });
    transport.clear();
    transport.notify({ type: 'interrupted', itemId: 'a1', heardMs: 300 });
    expect(sent).toEqual([
      { type: 'call_started', callId: 'call-1', inputSampleRateHz: 8000, outputSampleRateHz: 24000, generation: 0 },
      { type: 'interrupted', itemId: 'a1', heardMs: 300, generation: 1 },
    ]);
  });

  it('closes once, saying call_ended only if the runtime did not, and ignores everything afterwards', async () => {
    const { sent, closed, transport } = setup();
    transport.announceStarted();
    transport.notify({ type: 'call_ended', callId: 'call-1', status: 'expired', reason: 'max_duration', transcript: [] });
    await transport.close('max_duration');
    await transport.close('again');
    transport.sendAudio('a1', chunk([1, 0]));
    transport.notify({ type: 'assistant_text_delta', itemId: 'a1', delta: 'late' });
    expect(transport.deliver({ type: 'hangup', atMs: 0, reason: 'caller_ended' })).toBe(false);
    expect(closed).toEqual(['max_duration']);
    expect(sent.filter((s) => 'type' in s && s.type === 'call_ended')).toHaveLength(1);
    expect(sent).toHaveLength(2);
  });

  it('reports its formats and capabilities', () => {
    const { transport } = setup();
    expect(transport.inputFormat).toEqual({ encoding: 'pcm16', sampleRateHz: 8000 });
    expect(transport.outputFormat).toEqual({ encoding: 'pcm16', sampleRateHz: 24000 });
    expect(transport.capabilities).toEqual({ playbackReports: true });
  });
});
