import { describe, expect, it } from 'vitest';
import { parseConfig } from './config.ts';

describe('call control configuration', () => {
  it('waits 5 s for the instance running a call and 1 s for its answer by default', () => {
    expect(parseConfig({}).callControl).toEqual({ endWaitMs: 5_000, endAckMs: 1_000 });
  });

  it('reads CALL_END_WAIT_MS and CALL_END_ACK_MS, and refuses an answer window longer than the wait', () => {
    expect(parseConfig({ CALL_END_WAIT_MS: '2000', CALL_END_ACK_MS: '2000' }).callControl).toEqual({ endWaitMs: 2_000, endAckMs: 2_000 });
    expect(() => parseConfig({ CALL_END_WAIT_MS: '1000', CALL_END_ACK_MS: '1500' })).toThrow(/CALL_END_ACK_MS: must not exceed CALL_END_WAIT_MS/);
    expect(() => parseConfig({ CALL_END_WAIT_MS: '50' })).toThrow(/CALL_END_WAIT_MS/);
    expect(() => parseConfig({ CALL_END_ACK_MS: 'soon' })).toThrow(/CALL_END_ACK_MS/);
  });
});
