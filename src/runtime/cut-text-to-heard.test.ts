import { describe, expect, it } from 'vitest';
import { cutTextToHeard } from './barge-in.ts';

describe('cutTextToHeard', () => {
  const text = 'Hello there, how are you today?';

  it('keeps the same fraction of the text, backing off to the last whole word', () => {
    // 31 characters; half is 15 → "Hello there, ho" → "Hello there,".
    expect(cutTextToHeard(text, 500, 1000)).toBe('Hello there,');
  });

  it('keeps a word that ends exactly at the cut', () => {
    // 12/31 of the audio → 12 characters: "Hello there," and the next character is a space.
    expect(cutTextToHeard(text, 12, 31)).toBe('Hello there,');
  });

  it('keeps nothing when the first word was not finished', () => {
    expect(cutTextToHeard(text, 100, 1000)).toBe('');
  });

  it('keeps everything when all the audio was heard (or more is reported)', () => {
    expect(cutTextToHeard(text, 1000, 1000)).toBe(text);
    expect(cutTextToHeard(text, 1200, 1000)).toBe(text);
  });

  it('keeps nothing without audio or without anything heard', () => {
    expect(cutTextToHeard(text, 0, 1000)).toBe('');
    expect(cutTextToHeard(text, 500, 0)).toBe('');
  });

  it('treats any whitespace as a word boundary', () => {
    expect(cutTextToHeard('one\ntwo\tthree', 9, 13)).toBe('one\ntwo');
  });
});
