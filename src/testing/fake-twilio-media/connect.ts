/** The fake Twilio media stream over a real WebSocket, connecting the way Twilio does. */
import type { IncomingHttpHeaders } from 'node:http';
import { WebSocket } from 'ws';
import { FakeTwilioMedia, type FakeTwilioMediaOptions } from './fake-twilio-media.ts';

export interface ConnectFakeTwilioOptions extends FakeTwilioMediaOptions {
  /** `ws://host:port/path` of the media endpoint (Twilio's `<Stream url>`). */
  readonly url: string;
  /** Upgrade request headers, e.g. `X-Twilio-Signature`. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Send `connected` and `start` as soon as the socket opens (default true). */
  readonly begin?: boolean;
}

export interface ConnectedFakeTwilio {
  readonly twilio: FakeTwilioMedia;
  readonly ws: WebSocket;
  /** Resolves with the close code once the connection is closed, whoever closed it. */
  readonly closed: Promise<number>;
}

/** Thrown when the server refuses the upgrade (e.g. 403 from the signature check). */
export class TwilioUpgradeRefused extends Error {
  constructor(
    readonly status: number,
    readonly headers: IncomingHttpHeaders,
  ) {
    super(`media stream upgrade refused with HTTP ${status}`);
  }
}

/** Opens the stream; rejects with {@link TwilioUpgradeRefused} when the server answers with an HTTP error. */
export async function connectFakeTwilioMedia(options: ConnectFakeTwilioOptions): Promise<ConnectedFakeTwilio> {
  const ws = new WebSocket(options.url, { headers: { ...options.headers }, perMessageDeflate: false });
  const twilio = new FakeTwilioMedia(
    {
      send(text) {
        if (ws.readyState === WebSocket.OPEN) ws.send(text);
      },
      close(code) {
        ws.close(code);
      },
      terminate() {
        ws.terminate();
      },
    },
    options,
  );
  ws.on('message', (data, isBinary) => {
    if (isBinary) twilio.receiveBinary();
    else twilio.receive(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(data as Buffer[]).toString('utf8'));
  });
  const closed = new Promise<number>((resolve) => {
    ws.once('close', (code) => {
      twilio.linkClosed(code);
      resolve(code);
    });
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => {
      resolve();
    });
    ws.once('unexpected-response', (_request, response) => {
      reject(new TwilioUpgradeRefused(response.statusCode ?? 0, response.headers));
      response.resume();
      ws.terminate();
    });
    ws.once('error', reject);
  });
  if (options.begin ?? true) twilio.begin();
  return { twilio, ws, closed };
}
