import { describe, expect, it } from 'vitest';
import { newId } from '../../core/ids.ts';
import { encodeCallControlMessage, MAX_END_REASON_LENGTH, parseCallControlMessage, type CallControlMessage } from './messages.ts';

describe('call control messages', () => {
  it('read back what was written, for each type', () => {
    const requestId = newId();
    const callId = newId();
    const messages: CallControlMessage[] = [
      { type: 'end', requestId, callId, reason: 'supervisor ☎ "hung up"' },
      { type: 'ending', requestId, callId },
      { type: 'ended', requestId, callId },
    ];
    for (const message of messages) expect(parseCallControlMessage(encodeCallControlMessage(message))).toEqual({ ok: true, message });
  });

  it('accept fields a newer instance adds (rolling deploys) and drop them', () => {
    const message = { type: 'ended', requestId: newId(), callId: newId() } as const;
    expect(parseCallControlMessage(JSON.stringify({ ...message, instance: 'b-2' }))).toEqual({ ok: true, message });
  });

  it('name the problem of anything else, without throwing', () => {
    const callId = newId();
    const requestId = newId();
    expect(parseCallControlMessage('')).toEqual({ ok: false, problem: 'not JSON' });
    expect(parseCallControlMessage('{"type":"end"')).toEqual({ ok: false, problem: 'not JSON' });
    for (const payload of ['null', '[]', '"end"', '{"type":"restart"}', JSON.stringify({ type: 'end', requestId, callId }), JSON.stringify({ type: 'ended', requestId: 'r', callId })]) {
      const parsed = parseCallControlMessage(payload);
      expect(parsed.ok, payload).toBe(false);
      expect(parsed.ok ? '' : parsed.problem, payload).not.toBe('');
    }
    const tooLong = JSON.stringify({ type: 'end', requestId, callId, reason: 'x'.repeat(MAX_END_REASON_LENGTH + 1) });
    expect(parseCallControlMessage(tooLong)).toMatchObject({ ok: false, problem: expect.stringContaining('reason') as unknown });
  });
});
