/**
 * Test support shared by the Socket.IO and WebSocket transport tests: a development authenticator,
 * a silent logger, and a recorder of what a client received. Not used by product code.
 */
import { createLogger, type Logger } from '../core/logger.ts';
import type { Authenticate, CallerIdentity, HandshakeInfo } from '../transports/shared/call-connector.ts';

export const testIdentity: CallerIdentity = { tenantId: 'tenant-1', userId: 'user-1', role: 'member', kind: 'user', scopes: ['read', 'write', 'calls'] };

/** The one credential the test authenticator accepts, in `auth.token`, `?token=` or `Authorization: Bearer`. */
export const GOOD_TOKEN = 'good-token';

function tokenOf(handshake: HandshakeInfo): string | null {
  const fromAuth = handshake.auth['token'];
  if (typeof fromAuth === 'string') return fromAuth;
  const fromQuery = handshake.query['token'];
  if (typeof fromQuery === 'string') return fromQuery;
  const header = handshake.headers.authorization;
  return header?.startsWith('Bearer ') === true ? header.slice('Bearer '.length) : null;
}

export const testAuthenticate: Authenticate = (handshake) => Promise.resolve(tokenOf(handshake) === GOOD_TOKEN ? testIdentity : null);

export function silentLogger(): Logger {
  return createLogger({ level: 'silent' });
}

/** One message a client received: an event name (or JSON `type`) and its payload. */
export interface Received {
  readonly name: string;
  readonly payload: unknown;
}

/** Collects received messages and lets a test await the next one with a given name. */
export class ReceivedLog {
  readonly items: Received[] = [];
  #cursor = 0;

  push(item: Received): void {
    this.items.push(item);
  }

  /** Every payload received under `name`. */
  all(name: string): unknown[] {
    return this.items.filter((item) => item.name === name).map((item) => item.payload);
  }

  /** Waits for the next message named `name` after the previous `next` result; returns its payload. */
  async next(name: string, timeoutMs = 2000): Promise<unknown> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.items.findIndex((item, i) => i >= this.#cursor && item.name === name);
      const found = this.items[index];
      if (found !== undefined) {
        this.#cursor = index + 1;
        return found.payload;
      }
      if (Date.now() > deadline) throw new Error(`no "${name}" received; got ${this.items.map((item) => item.name).join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}
