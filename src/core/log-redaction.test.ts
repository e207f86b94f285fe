import { describe, expect, it } from 'vitest';
import { scrubLogFields, scrubLogLine, scrubUrl } from './log-redaction.ts';
import { createLogger } from './logger.ts';

function capture(level = 'trace') {
  const lines: string[] = [];
  const logger = createLogger({
    level,
    destination: {
      write(line: string) {
        lines.push(line);
      },
    },
  });
  return { lines, logger, output: () => lines.join('') };
}

describe('log redaction', () => {
  it('redacts sensitive fields at any depth, and leaves the caller’s object alone', () => {
    const event = { type: 'conversation.item.created', item: { id: 'item_1', content: [{ type: 'input_text', text: 'my PIN is 4321' }] } };
    const fields = { event, nested: { deeper: { deepest: { refreshToken: 'rt-abc', transcript: 'hello there', keep: 'visible' } } } };
    const scrubbed = JSON.stringify(scrubLogFields(fields));
    expect(scrubbed).not.toContain('4321');
    expect(scrubbed).not.toContain('rt-abc');
    expect(scrubbed).not.toContain('hello there');
    expect(scrubbed).toContain('visible');
    expect(scrubbed).toContain('item_1');
    expect(event.item.content[0]?.text).toBe('my PIN is 4321');
  });

  it('removes credential-shaped values and phone numbers wherever they appear in a line', () => {
    const line = JSON.stringify({
      msg: 'sent Authorization: Bearer abc.def-ghi to the upstream',
      err: { message: 'key sb_live_k1_s3cr3t rejected; token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl; openai sk-proj-abcdefghijkl' },
      caller: 'call from +33612345678 ended',
      url: '/socket.io/?EIO=4&access_token=tok123&transport=websocket',
      path: '/api/calls/history/%2B14155550123',
    });
    const out = scrubLogLine(line);
    for (const secret of ['abc.def-ghi', 'sb_live_k1_s3cr3t', 'eyJhbGciOiJIUzI1NiJ9', 'sk-proj-abcdefghijkl', '+33612345678', 'tok123', '4155550123']) expect(out).not.toContain(secret);
    expect(out).toContain('transport=websocket');
    expect(JSON.parse(out)).toBeTypeOf('object');
  });

  it('strips credentials from request URLs', () => {
    expect(scrubUrl('/v1/realtime/ws?access_token=abc&callId=1')).toBe('/v1/realtime/ws?access_token=[redacted]&callId=1');
    expect(scrubUrl('/x?api_key=k&token=t&refresh_token=r')).toBe('/x?api_key=[redacted]&token=[redacted]&refresh_token=[redacted]');
    expect(scrubUrl('/v1/calls?limit=5')).toBe('/v1/calls?limit=5');
  });

  it('logs a request without its headers or query credentials, and errors with their message', () => {
    const { logger, output } = capture();
    const request = { method: 'GET', url: '/v1/calls?access_token=tok-in-url', ip: '127.0.0.1', headers: { authorization: 'Bearer tok-in-header' }, socket: { remotePort: 1 } };
    logger.info({ req: request }, 'incoming request');
    logger.error({ err: new Error('upstream refused') }, 'request failed');
    const text = output();
    expect(text).not.toContain('tok-in-url');
    expect(text).not.toContain('tok-in-header');
    expect(text).toContain('/v1/calls?access_token=[redacted]');
    expect(text).toContain('upstream refused');
  });

  it('redacts child-logger bindings and messages too', () => {
    const { logger, output } = capture();
    logger.child({ caller: '+14155550123' }).warn('retrying with Bearer abcdefgh');
    expect(output()).not.toContain('4155550123');
    expect(output()).not.toContain('abcdefgh');
  });
});
