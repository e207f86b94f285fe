import { TypedEmitter } from '../../core/typed-emitter.ts';

/**
 * A {@link TypedEmitter} that counts its live listeners, so a test can check that whoever subscribed
 * also unsubscribed (the runtime must leave no listener behind when a call ends).
 */
export class CountingEmitter<E extends { readonly type: string }> extends TypedEmitter<E> {
  #listeners = 0;

  /** Listeners subscribed with `on` or `onAny` and not yet removed. */
  get listenerCount(): number {
    return this.#listeners;
  }

  override on<K extends E['type']>(type: K, listener: (event: Extract<E, { type: K }>) => void): () => void {
    return this.#counted(super.on(type, listener));
  }

  override onAny(listener: (event: E) => void): () => void {
    return this.#counted(super.onAny(listener));
  }

  override removeAll(): void {
    super.removeAll();
    this.#listeners = 0;
  }

  #counted(off: () => void): () => void {
    this.#listeners += 1;
    let removed = false;
    return () => {
      if (!removed) {
        removed = true;
        this.#listeners -= 1;
      }
      off();
    };
  }
}
