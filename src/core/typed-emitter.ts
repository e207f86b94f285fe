import { EventEmitter } from 'node:events';

/**
 * Events travel on prefixed channel names: Node's EventEmitter throws when an event named `error`
 * has no listener, and an `{ type: 'error' }` payload with only an `onAny` listener must not throw.
 */
function channelOf(type: string): string {
  return `event:${type}`;
}

/**
 * A typed event bus where every event is one payload object discriminated by `type`.
 * `on('x', fn)` receives exactly the member of the union whose `type` is `'x'`.
 */
export class TypedEmitter<E extends { readonly type: string }> {
  readonly #emitter = new EventEmitter();

  constructor() {
    this.#emitter.setMaxListeners(50);
  }

  on<K extends E['type']>(type: K, listener: (event: Extract<E, { type: K }>) => void): () => void {
    const wrapped = listener as (event: unknown) => void;
    const channel = channelOf(type);
    this.#emitter.on(channel, wrapped);
    return () => this.#emitter.off(channel, wrapped);
  }

  onAny(listener: (event: E) => void): () => void {
    const wrapped = listener as (event: unknown) => void;
    this.#emitter.on('*', wrapped);
    return () => this.#emitter.off('*', wrapped);
  }

  emit(event: E): void {
    this.#emitter.emit(channelOf(event.type), event);
    this.#emitter.emit('*', event);
  }

  removeAll(): void {
    this.#emitter.removeAllListeners();
  }
}
