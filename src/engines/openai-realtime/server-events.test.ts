import { describe, expect, it } from 'vitest';
import { parseServerEvent } from './server-events.ts';

describe('server event parsing', () => {
  it('parses known events, keeping only the fields the engine reads', () => {
    const event = parseServerEvent(
      JSON.stringify({ type: 'response.output_audio.delta', event_id: 'e1', response_id: 'resp_1', item_id: 'item_1', output_index: 0, content_index: 0, delta: 'AAA=' }),
    );
    expect(event).toEqual({ type: 'response.output_audio.delta', response_id: 'resp_1', item_id: 'item_1', delta: 'AAA=' });
  });

  it('checks audio deltas structurally, and still names what is wrong with a malformed one', () => {
    const valid = { type: 'response.output_audio.delta', response_id: 'resp_1', item_id: 'item_1', delta: '' };
    const issues = (fields: Record<string, unknown>): string => {
      const event = parseServerEvent(JSON.stringify({ ...valid, ...fields }));
      return event.type === 'invalid' && event.eventType === valid.type ? event.issues : `not invalid: ${event.type}`;
    };
    expect(parseServerEvent(JSON.stringify(valid))).toEqual(valid);
    expect(issues({ item_id: '' })).toContain('item_id');
    expect(issues({ delta: 42 })).toContain('delta');
    expect(issues({ response_id: undefined })).toContain('response_id');
  });

  it('maps GA usage fields and tolerates unknown extra fields', () => {
    const event = parseServerEvent(
      JSON.stringify({
        type: 'response.done',
        response: { id: 'resp_1', status: 'cancelled', usage: { input_tokens: 10, output_tokens: 5, output_token_details: { audio_tokens: 4 }, future: 1 } },
      }),
    );
    expect(event).toMatchObject({ type: 'response.done', response: { id: 'resp_1', status: 'cancelled', usage: { output_token_details: { audio_tokens: 4 } } } });
  });

  it('returns explicit variants for ignored, unknown and malformed frames', () => {
    expect(parseServerEvent(JSON.stringify({ type: 'rate_limits.updated', rate_limits: [] }))).toEqual({ type: 'ignored', eventType: 'rate_limits.updated' });
    // A beta-era name is not a GA event: it must not be mistaken for output audio.
    expect(parseServerEvent(JSON.stringify({ type: 'response.audio.delta', delta: 'AAA=' }))).toEqual({ type: 'unknown', eventType: 'response.audio.delta' });
    expect(parseServerEvent(JSON.stringify({ type: 'input_audio_buffer.speech_started' }))).toMatchObject({ type: 'invalid', eventType: 'input_audio_buffer.speech_started' });
    expect(parseServerEvent('{not json')).toMatchObject({ type: 'invalid' });
    expect(parseServerEvent('[1]')).toMatchObject({ type: 'invalid', eventType: '(no type)' });
  });
});
