import { describe, expect, it } from 'vitest';
import { computeConversation } from './conversation.ts';
import { ConversationStream } from './conversation-stream.ts';
import type { ConversationSide, ConversationTurn } from './types.ts';

/** A deterministic pseudo-random sequence (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function turnsOf(side: ConversationSide, next: () => number, count: number): ConversationTurn[] {
  const turns: ConversationTurn[] = [];
  let at = Math.floor(next() * 2000);
  for (let i = 0; i < count; i++) {
    const startMs = at + Math.floor(next() * 3000);
    const endMs = startMs + 20 + Math.floor(next() * 4000);
    turns.push({ side, startMs, endMs });
    at = endMs;
  }
  return turns;
}

describe('ConversationStream', () => {
  it('equals computeConversation on the same turns, whatever the watermark steps', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const next = random(seed);
      const caller = turnsOf('caller', next, 30);
      const agent = turnsOf('agent', next, 30);
      const expected = computeConversation([...caller, ...agent]);
      const stream = new ConversationStream();
      // Each side's turns arrive in order, each side lagging differently; the watermark trails both.
      let ci = 0;
      let ai = 0;
      let maxHeld = 0;
      for (let now = 0; ci < caller.length || ai < agent.length; now += 50 + Math.floor(next() * 700)) {
        const callerLag = 600;
        const agentLag = 1500;
        while (ci < caller.length && (caller[ci] as ConversationTurn).endMs <= now - callerLag) stream.add('caller', caller[ci]!.startMs, caller[ci++]!.endMs);
        while (ai < agent.length && (agent[ai] as ConversationTurn).endMs <= now - agentLag) stream.add('agent', agent[ai]!.startMs, agent[ai++]!.endMs);
        const callerKnown = ci < caller.length ? Math.min(caller[ci]!.startMs, now - callerLag) : now - callerLag;
        const agentKnown = ai < agent.length ? Math.min(agent[ai]!.startMs, now - agentLag) : now - agentLag;
        stream.advance(Math.min(callerKnown, agentKnown));
        maxHeld = Math.max(maxHeld, stream.heldSpans);
      }
      const actual = stream.finish();
      expect(actual.caller.talkMs, `seed ${String(seed)}`).toBe(expected.caller.talkMs);
      expect(actual.agent.talkMs).toBe(expected.agent.talkMs);
      expect(actual.caller.interruptions).toBe(expected.caller.interruptions);
      expect(actual.agent.interruptions).toBe(expected.agent.interruptions);
      expect(actual.overlapMs).toBe(expected.overlapMs);
      expect(actual.silenceMs).toBe(expected.silenceMs);
      expect(actual.caller.talkRatio).toBeCloseTo(expected.caller.talkRatio ?? Number.NaN, 9);
      // Bounded: only the speech near the watermark is held, not the call's 60 turns.
      expect(maxHeld).toBeLessThan(12);
    }
  });

  it('counts an interruption only once both sides went on for minOverlapMs, and answers null ratios when nobody spoke', () => {
    const stream = new ConversationStream();
    expect(stream.finish().caller.talkRatio).toBeNull();
    const s = new ConversationStream();
    s.add('agent', 0, 2000);
    s.add('caller', 1500, 1700); // 200 ms over the agent: a back-channel
    s.add('caller', 1900, 3000); // 100 ms over the agent's end: a turn edge
    s.advance(3000);
    s.add('agent', 2500, 4000); // late: counts from the watermark only
    s.add('caller', 3500, 5000); // barges in, 500 ms before the agent stops
    const metrics = s.finish();
    expect(metrics.caller.interruptions).toBe(1);
    expect(metrics.agent.interruptions).toBe(0);
    expect(metrics.agent.talkMs).toBe(2000 + 1000);
    expect(metrics.overlapMs).toBe(200 + 100 + 500);
  });
});
