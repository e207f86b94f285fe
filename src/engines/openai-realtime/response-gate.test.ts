import { describe, expect, it } from 'vitest';
import { ResponseGate } from './response-gate.ts';

describe('the response gate', () => {
  it('holds requests while a response runs and a continue until every tool call has its result', () => {
    const gate = new ResponseGate();
    gate.started('resp_1');
    expect(gate.toolCalled('call_a', 'lookup')).toBe(true);
    expect(gate.toolCalled('call_a', 'lookup')).toBe(false);
    gate.toolCalled('call_b', 'lookup');
    gate.resultSent('call_a');
    gate.request({ kind: 'continue' });
    expect(gate.next('e1')).toBeNull();
    gate.done('resp_1');
    expect(gate.next('e1')).toBeNull();
    gate.resultSent('call_b');
    expect(gate.next('e1')).toEqual({});
    expect(gate.next('e2')).toBeNull();
  });

  it('sends announcements first, one at a time, each after the previous response started and finished', () => {
    const gate = new ResponseGate();
    gate.request({ kind: 'say', instructions: 'first' });
    gate.request({ kind: 'say', instructions: 'second' });
    expect(gate.next('e1')).toEqual({ response: { instructions: 'first' } });
    expect(gate.next('e2')).toBeNull();
    gate.started('resp_1');
    gate.done('resp_1');
    expect(gate.next('e2')).toEqual({ response: { instructions: 'second' } });
  });

  it('queues a request again when the server refused it because its own response got there first', () => {
    const gate = new ResponseGate();
    gate.request({ kind: 'say', instructions: 'warning' });
    expect(gate.next('e1')).not.toBeNull();
    gate.started('resp_vad');
    gate.refused('e1', true);
    expect(gate.next('e2')).toBeNull();
    gate.done('resp_vad');
    expect(gate.next('e2')).toEqual({ response: { instructions: 'warning' } });
    gate.refused('e2', false);
    expect(gate.next('e3')).toBeNull();
  });

  it('keeps a request that never started across a new upstream session, and forgets old tool calls', () => {
    const gate = new ResponseGate();
    gate.toolCalled('call_a', 'lookup');
    gate.request({ kind: 'say', instructions: 'still wanted' });
    expect(gate.next('e1')).not.toBeNull();
    gate.resetForNewSession();
    expect(gate.knowsCall('call_a')).toBe(false);
    expect(gate.toolName('call_a')).toBe('lookup');
    expect(gate.next('e2')).toEqual({ response: { instructions: 'still wanted' } });
  });

  it('knows whether the server already cancelled the active response', () => {
    const gate = new ResponseGate();
    expect(gate.cancellable).toBe(false);
    gate.started('resp_1');
    expect(gate.cancellable).toBe(true);
    gate.speechStarted(true);
    expect(gate.cancellable).toBe(false);
    gate.started('resp_2');
    gate.speechStarted(false);
    expect(gate.cancellable).toBe(true);
  });
});
