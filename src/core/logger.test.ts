import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString());
      callback();
    },
  });
  return { lines, logger: createLogger({ level: 'debug', destination }) };
}

describe('logger redaction', () => {
  it('removes secrets, credentials, phone numbers and transcript text', () => {
    const { lines, logger } = capture();
    logger.info(
      {
        req: { headers: { authorization: 'Bearer sk-secret-token', cookie: 'sid=abc', 'x-api-key': 'key-123' } },
        call: { text: 'my card number is 4242', to: '+33612345678', apiKey: 'sk-live-1' },
        pii: { transcript: 'hello there' },
        prompt: 'secret instructions',
      },
      'something happened',
    );
    const output = lines.join('');
    for (const secret of ['sk-secret-token', 'sid=abc', 'key-123', '4242', '+33612345678', 'sk-live-1', 'hello there', 'secret instructions']) {
      expect(output).not.toContain(secret);
    }
    expect(output).toContain('something happened');
    expect(output).toContain('[redacted]');
  });
});
