/**
 * A FIFO of bytes stored in fixed-size slabs that are reused: appending a 20 ms frame copies it into
 * the current slab instead of allocating a buffer of its own. Caller audio kept for every call (the
 * replay pre-roll) would otherwise be thousands of small buffers a second, each living about a
 * second: the kind of garbage that ends up in the old generation and costs long major collections.
 */
export class SlabQueue {
  readonly #slabBytes: number;
  readonly #maxSpareSlabs: number;
  /** Slabs in order; bytes live from `#head` in the first to `#tail` in the last. */
  #slabs: Uint8Array[] = [];
  #spare: Uint8Array[] = [];
  #head = 0;
  #tail = 0;
  #bytes = 0;

  constructor(params: { readonly slabBytes: number; readonly maxSpareSlabs: number }) {
    this.#slabBytes = Math.max(1, params.slabBytes);
    this.#maxSpareSlabs = params.maxSpareSlabs;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** Copies `data` to the end. */
  push(data: Uint8Array): void {
    let offset = 0;
    while (offset < data.length) {
      let last = this.#slabs.at(-1);
      if (last === undefined || this.#tail === this.#slabBytes) {
        last = this.#spare.pop() ?? new Uint8Array(this.#slabBytes);
        this.#slabs.push(last);
        this.#tail = 0;
      }
      const count = Math.min(data.length - offset, this.#slabBytes - this.#tail);
      last.set(data.subarray(offset, offset + count), this.#tail);
      this.#tail += count;
      offset += count;
    }
    this.#bytes += data.length;
  }

  /** Drops bytes from the front until at most `limitBytes` remain. */
  trimTo(limitBytes: number): void {
    let excess = this.#bytes - Math.max(0, limitBytes);
    while (excess > 0) {
      const first = this.#slabs[0];
      if (first === undefined) break;
      const end = this.#slabs.length === 1 ? this.#tail : this.#slabBytes;
      const count = Math.min(excess, end - this.#head);
      this.#head += count;
      this.#bytes -= count;
      excess -= count;
      if (this.#head === end) this.#release();
    }
  }

  /** Everything queued, in order, as copies (the slabs are reused); empties the queue. */
  take(): Uint8Array[] {
    const out: Uint8Array[] = [];
    this.#slabs.forEach((slab, i) => {
      const start = i === 0 ? this.#head : 0;
      const end = i === this.#slabs.length - 1 ? this.#tail : this.#slabBytes;
      if (end > start) out.push(slab.slice(start, end));
    });
    this.clear();
    return out;
  }

  clear(): void {
    while (this.#slabs.length > 0) this.#release();
    this.#bytes = 0;
  }

  /** Retires the first slab to the spares (bounded; beyond that it is left to the collector). */
  #release(): void {
    const slab = this.#slabs.shift();
    this.#head = 0;
    if (this.#slabs.length === 0) this.#tail = 0;
    if (slab !== undefined && this.#spare.length < this.#maxSpareSlabs) this.#spare.push(slab);
  }
}
