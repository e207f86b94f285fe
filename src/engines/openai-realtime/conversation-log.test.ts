import { describe, expect, it } from 'vitest';
import { ConversationLog, cutToShare } from './conversation-log.ts';

describe('the conversation log used for re-seeding', () => {
  it('keeps history and finished turns in order, once each, and cuts barged-in replies to what was heard', () => {
    const log = new ConversationLog([{ role: 'user', text: 'Hi, this is Sam.' }, { role: 'assistant', text: 'Hello Sam.' }]);
    log.addUser('item_u1');
    log.addAssistantAudio('item_a1', 1000);
    log.appendAssistantText('item_a1', 'One two three');
    expect(log.finishUser('item_u1', 'Tell me a story.')).toBe(true);
    expect(log.finishUser('item_u1', 'Tell me a story.')).toBe(false);
    expect(log.finishAssistant('item_a1', 'One two three four five six seven eight')).toBe(true);
    expect(log.finishAssistant('item_a1', 'duplicate')).toBe(false);
    log.markHeard('item_a1', 500);
    log.addUser('item_u2'); // committed but never transcribed: not seeded

    expect(log.seedTurns()).toEqual([
      { role: 'user', text: 'Hi, this is Sam.' },
      { role: 'assistant', text: 'Hello Sam.' },
      { role: 'user', text: 'Tell me a story.' },
      { role: 'assistant', text: 'One two three four' },
    ]);
    expect(log.generatedMs('item_a1')).toBe(1000);
  });

  it('cuts text by the heard share of its audio, counting a started word', () => {
    expect(cutToShare('a b c d', 0.5)).toBe('a b');
    expect(cutToShare('a b c d', 0.3)).toBe('a b');
    expect(cutToShare('a b c d', 0)).toBe('');
    expect(cutToShare('a b c d', 1.5)).toBe('a b c d');
  });
});
