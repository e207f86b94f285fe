/**
 * The embedded PGlite database, run on a worker thread (`pglite-worker.ts`) and used from here through
 * the part of PGlite's interface that drizzle's PGlite driver calls: `query` and `transaction` (with a
 * `query` and `rollback` on the transaction), plus `listen`, `dumpDataDir` and `close`.
 *
 * Why by hand: PGlite's own `PGliteWorker` is made for browser tabs (leader election through
 * `navigator.locks` and `BroadcastChannel`, a Web Worker), and `@electric-sql/pglite-socket` pins an
 * older PGlite with mandatory extension peers. What crosses the thread is small: SQL, parameters and
 * rows by structured clone.
 *
 * A worker that dies fails every pending and later call with a clear error.
 */
import { Worker } from 'node:worker_threads';
import {
  PgliteThreadError,
  type PgliteQueryResult,
  type PgliteRequest,
  type PgliteThreadTarget,
  type PgliteWorkerMessage,
} from './protocol.ts';

/** What drizzle passes to `query`: a row mode and parsers that keep some types as text. */
export interface ThreadQueryOptions {
  readonly rowMode?: 'array' | 'object';
  readonly parsers?: Readonly<Record<number, (value: string, typeId: number) => unknown>>;
}

/** `Omit` applied to each member of a union (plain `Omit` would merge the members). */
type OmitEach<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A request before `#send` numbers it. */
type Request = OmitEach<PgliteRequest, 'id'>;

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
}

/**
 * The worker: in a build, the `.js` beside this file; from source (tsx, vitest), the `.ts` module
 * imported through tsx's API by a two-line bootstrap, since a worker does not inherit the loader
 * hooks of the thread that starts it.
 */
export function startPgliteWorker(target: PgliteThreadTarget): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./pglite-worker.js', import.meta.url), { workerData: target });
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const module = new URL('./pglite-worker.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then(({ tsImport }) => tsImport(${JSON.stringify(module)}, ${JSON.stringify(import.meta.url)}));`;
  return new Worker(bootstrap, { eval: true, workerData: target });
}

/** Parser overrides must be identities (drizzle's are: it keeps dates and intervals as text); functions cannot cross threads. */
function rawTypesOf(parsers: ThreadQueryOptions['parsers']): number[] {
  if (parsers === undefined) return [];
  return Object.entries(parsers).map(([oid, parse]) => {
    if (parse('probe', Number(oid)) !== 'probe') throw new Error(`PGlite thread: the parser for type ${oid} is not an identity`);
    return Number(oid);
  });
}

export class PgliteThreadTransaction {
  readonly #client: PgliteThread;
  readonly #txId: number;
  #closed = false;

  constructor(client: PgliteThread, txId: number) {
    this.#client = client;
    this.#txId = txId;
  }

  get closed(): boolean {
    return this.#closed;
  }

  query(sql: string, params: readonly unknown[] = [], options: ThreadQueryOptions = {}): Promise<PgliteQueryResult> {
    return this.#client.queryIn(this.#txId, sql, params, options);
  }

  /** Rolls back now; the transaction's callback should then return (drizzle throws its rollback error). */
  async rollback(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#client.endTransaction(this.#txId, false);
  }

  /** Commits or rolls back once the callback settled; nothing when `rollback()` already ended it. */
  async finish(commit: boolean): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#client.endTransaction(this.#txId, commit);
  }
}

export class PgliteThread {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  readonly #listeners = new Map<string, Set<(payload: string) => void>>();
  #nextId = 1;
  #failure: Error | null = null;
  #closed = false;

  private constructor(worker: Worker) {
    this.#worker = worker;
  }

  /** Starts the worker and resolves once the database is open (rejects with the reason it could not be). */
  static async start(target: PgliteThreadTarget, spawn: (target: PgliteThreadTarget) => Worker = startPgliteWorker): Promise<PgliteThread> {
    const worker = spawn(target);
    const client = new PgliteThread(worker);
    await new Promise<void>((resolve, reject) => {
      worker.on('message', (message: PgliteWorkerMessage) => {
        if (message.kind === 'ready') resolve();
        else if (message.kind === 'failed') reject(new PgliteThreadError(message.error));
        else client.#receive(message);
      });
      worker.once('error', (error) => {
        client.#fail(error);
        reject(error);
      });
      worker.once('exit', (code) => {
        client.#fail(new Error(`the PGlite database thread exited (code ${String(code)})`));
        reject(new Error(`the PGlite database thread exited before it was ready (code ${String(code)})`));
      });
    }).catch(async (error: unknown) => {
      await worker.terminate();
      throw error;
    });
    return client;
  }

  get closed(): boolean {
    return this.#closed;
  }

  query(sql: string, params: readonly unknown[] = [], options: ThreadQueryOptions = {}): Promise<PgliteQueryResult> {
    return this.queryIn(null, sql, params, options);
  }

  /** A query inside transaction `txId` (null: outside any). */
  async queryIn(txId: number | null, sql: string, params: readonly unknown[], options: ThreadQueryOptions): Promise<PgliteQueryResult> {
    const request: Request = { op: 'query', txId, sql, params, rowMode: options.rowMode ?? 'object', rawTypes: rawTypesOf(options.parsers) };
    return (await this.#call(request)) as PgliteQueryResult;
  }

  /** Runs `callback` in one transaction: committed when it resolves, rolled back when it throws. */
  async transaction<T>(callback: (tx: PgliteThreadTransaction) => Promise<T>): Promise<T> {
    // The worker names the transaction by the id of its `begin`.
    const { id: txId, reply } = this.#send({ op: 'begin' });
    await reply;
    const tx = new PgliteThreadTransaction(this, txId);
    let result: T;
    try {
      result = await callback(tx);
    } catch (error) {
      await tx.finish(false);
      throw error;
    }
    await tx.finish(true);
    return result;
  }

  async endTransaction(txId: number, commit: boolean): Promise<void> {
    await this.#call({ op: 'end', txId, commit });
  }

  /** Calls `onPayload` for every notification on `channel`; resolves to the function that stops it. */
  async listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>> {
    let callbacks = this.#listeners.get(channel);
    if (callbacks === undefined) {
      callbacks = new Set();
      this.#listeners.set(channel, callbacks);
      await this.#call({ op: 'listen', channel });
    }
    callbacks.add(onPayload);
    return async () => {
      const current = this.#listeners.get(channel);
      current?.delete(onPayload);
      if (current?.size === 0) {
        this.#listeners.delete(channel);
        if (!this.#closed) await this.#call({ op: 'unlisten', channel });
      }
    };
  }

  async dumpDataDir(): Promise<Blob> {
    return (await this.#call({ op: 'dump' })) as Blob;
  }

  /** Closes the database (its files are complete afterwards) and stops the thread. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    try {
      if (this.#failure === null) await this.#call({ op: 'close' });
    } finally {
      this.#closed = true;
      await this.#worker.terminate();
    }
  }

  #call(request: Request): Promise<unknown> {
    return this.#send(request).reply;
  }

  #send(request: Request): { readonly id: number; readonly reply: Promise<unknown> } {
    const id = this.#nextId;
    this.#nextId += 1;
    if (this.#failure !== null) return { id, reply: Promise.reject(this.#failure) };
    if (this.#closed) return { id, reply: Promise.reject(new Error('the PGlite database is closed')) };
    const reply = new Promise<unknown>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
    });
    this.#worker.postMessage({ ...request, id });
    return { id, reply };
  }

  #receive(message: Exclude<PgliteWorkerMessage, { kind: 'ready' } | { kind: 'failed' }>): void {
    if (message.kind === 'notification') {
      for (const callback of this.#listeners.get(message.channel) ?? []) callback(message.payload);
      return;
    }
    const pending = this.#pending.get(message.id);
    if (pending === undefined) return;
    this.#pending.delete(message.id);
    if (message.ok) pending.resolve(message.value);
    else pending.reject(new PgliteThreadError(message.error));
  }

  #fail(error: Error): void {
    if (this.#closed) return;
    this.#failure ??= error;
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }
}
