import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the receiver got, with its raw body. */
export interface ReceivedWebhook {
  readonly headers: IncomingHttpHeaders;
  readonly rawBody: string;
  readonly path: string;
  /** The status it was answered with. */
  readonly status: number;
}

/** What to answer: a status, or `'hang'` to never answer (the sender's timeout fires). */
export type ReceiverAnswer = number | 'hang';

export interface WebhookReceiver {
  readonly url: string;
  readonly received: readonly ReceivedWebhook[];
  /** Answers for the next requests, in order; once used up, 200. */
  answerNext(...answers: ReceiverAnswer[]): void;
  /** Resolves once `count` requests have arrived. */
  waitFor(count: number): Promise<readonly ReceivedWebhook[]>;
  close(): Promise<void>;
}

/** A local HTTP server standing in for a customer's webhook endpoint, on 127.0.0.1. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const answers: ReceiverAnswer[] = [];
  const waiters: { count: number; resolve: (value: readonly ReceivedWebhook[]) => void }[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const answer = answers.shift() ?? 200;
      received.push({ headers: request.headers, rawBody: Buffer.concat(chunks).toString('utf8'), path: request.url ?? '/', status: answer === 'hang' ? 0 : answer });
      for (const waiter of waiters.filter((w) => received.length >= w.count)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve([...received]);
      }
      if (answer === 'hang') return;
      response.statusCode = answer;
      response.end(answer >= 200 && answer < 300 ? 'ok' : `receiver answered ${String(answer)}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${String(port)}/hooks/switchboard`,
    received,
    answerNext(...next) {
      answers.push(...next);
    },
    waitFor(count) {
      if (received.length >= count) return Promise.resolve([...received]);
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
