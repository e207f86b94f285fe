import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SmtpMailer } from './smtp-mailer.ts';

interface Received {
  readonly from: string;
  readonly to: string[];
  readonly data: string;
}

/** Just enough of an SMTP server (RFC 5321, no TLS, no AUTH) to receive one message per connection. */
function fakeSmtpServer(received: Received[]): Server {
  return createServer((socket: Socket) => {
    let buffer = '';
    let inData = false;
    let from = '';
    const to: string[] = [];
    socket.write('220 fake.test ESMTP\r\n');
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          received.push({ from, to: [...to], data: buffer.slice(0, end) });
          buffer = buffer.slice(end + 5);
          inData = false;
          socket.write('250 queued\r\n');
          continue;
        }
        const eol = buffer.indexOf('\r\n');
        if (eol < 0) return;
        const line = buffer.slice(0, eol);
        buffer = buffer.slice(eol + 2);
        const verb = line.slice(0, 4).toUpperCase();
        const address = /<(.*)>/.exec(line)?.[1] ?? '';
        if (verb === 'MAIL') from = address;
        if (verb === 'RCPT') to.push(address);
        if (verb === 'DATA') inData = true;
        if (verb === 'QUIT') socket.end('221 bye\r\n');
        else socket.write(verb === 'DATA' ? '354 go ahead\r\n' : '250 ok\r\n');
      }
    });
  });
}

const received: Received[] = [];
const server = fakeSmtpServer(received);
let port = 0;
beforeAll(async () => {
  await new Promise<void>((resolve) => {
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : 0;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => { resolve(); }));
});

it('delivers a plain-text message over SMTP from the configured sender', async () => {
  const mailer = new SmtpMailer({ url: `smtp://127.0.0.1:${port}`, from: 'Lydia <no-reply@lydia.test>' });
  try {
    await mailer.send({ to: 'lea@example.test', subject: 'Reset your password', text: 'Open https://app.test/reset/abc within 30 minutes.' });
  } finally {
    mailer.close();
  }
  expect(received).toHaveLength(1);
  expect(received[0]).toMatchObject({ from: 'no-reply@lydia.test', to: ['lea@example.test'] });
  expect(received[0]?.data).toContain('Subject: Reset your password');
  expect(received[0]?.data).toContain('Open https://app.test/reset/abc within 30 minutes.');
});

it('rejects when the server refuses the connection', async () => {
  const mailer = new SmtpMailer({ url: 'smtp://127.0.0.1:1', from: 'x@lydia.test' });
  try {
    await expect(mailer.send({ to: 'lea@example.test', subject: 's', text: 't' })).rejects.toThrow();
  } finally {
    mailer.close();
  }
});
