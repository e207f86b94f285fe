/**
 * Test support: a `CallConnector` that records every call start and the caller events of each
 * transport it receives, and lets a test drive the transport as the runtime would. Not used by
 * product code.
 */
import type { CallTransport, TransportEvent } from '../runtime/ports.ts';
import type { CallConnector, StartCallParams, StartCallResult } from '../transports/shared/call-connector.ts';

export interface RecordedCall {
  readonly params: StartCallParams;
  readonly transport: CallTransport;
  /** Every caller event the transport emitted, in order. */
  readonly events: TransportEvent[];
}

type Respond = (params: StartCallParams) => Promise<StartCallResult>;

export class FakeCallConnector implements CallConnector {
  readonly calls: RecordedCall[] = [];
  /** How the next starts answer; default: accept at once. */
  respond: Respond = () => Promise.resolve({ ok: true });
  readonly #waiters: { readonly count: number; readonly resolve: () => void }[] = [];

  startCall(params: StartCallParams): Promise<StartCallResult> {
    const events: TransportEvent[] = [];
    params.transport.events.onAny((event) => events.push(event));
    this.calls.push({ params, transport: params.transport, events });
    for (const waiter of this.#waiters.filter((w) => w.count <= this.calls.length)) {
      this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
    return this.respond(params);
  }

  /** Resolves with the `index`-th recorded call (0-based) once it has started. */
  async call(index = 0): Promise<RecordedCall> {
    if (this.calls.length <= index) {
      await new Promise<void>((resolve) => this.#waiters.push({ count: index + 1, resolve }));
    }
    const call = this.calls[index];
    if (call === undefined) throw new Error(`no call #${index}`);
    return call;
  }
}

/** Polls until `predicate` holds (for events that arrive over a real socket); rejects after `timeoutMs`. */
export async function eventually(predicate: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
