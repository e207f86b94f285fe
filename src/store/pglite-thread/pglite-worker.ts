/**
 * The worker thread that owns the embedded PGlite database. PGlite runs every statement synchronously
 * in WebAssembly; here that work happens on its own thread, so a live call's event loop never waits
 * for a write. One PGlite, so one session: statements queue on PGlite's own lock, and a transaction
 * holds it from `begin` to `end` (queries of other callers wait, as in process).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { errorFields, type PgliteRequest, type PgliteThreadTarget, type PgliteWorkerMessage } from './protocol.ts';

interface OpenTransaction {
  readonly tx: Transaction;
  /** Lets the transaction's callback return: commit, or roll back first. */
  readonly finish: (commit: boolean) => void;
  /** Settles when PGlite has committed or rolled back. */
  readonly done: Promise<void>;
}

const port = parentPort;
if (port === null) throw new Error('pglite-worker.ts runs as a worker thread');

function post(message: PgliteWorkerMessage): void {
  port?.postMessage(message);
}

function open(target: PgliteThreadTarget): PGlite {
  if (target.dataDir !== undefined) return new PGlite(target.dataDir);
  return target.template === undefined ? new PGlite() : new PGlite({ loadDataDir: target.template });
}

const identity = (value: string): string => value;
const transactions = new Map<number, OpenTransaction>();
const unlisteners = new Map<string, () => Promise<void>>();

async function begin(db: PGlite, id: number): Promise<void> {
  let opened: (tx: Transaction) => void = () => undefined;
  const ready = new Promise<Transaction>((resolve) => (opened = resolve));
  let finish: (commit: boolean) => void = () => undefined;
  const finished = new Promise<boolean>((resolve) => (finish = resolve));
  const done = db.transaction(async (tx) => {
    opened(tx);
    if (!(await finished)) await tx.rollback();
  });
  // BEGIN itself may fail (database closed): then `done` rejects before the callback ever runs.
  const tx = await Promise.race([ready, done.then(() => null)]);
  if (tx === null) throw new Error('the transaction ended before it began');
  transactions.set(id, { tx, finish, done });
}

async function end(txId: number, commit: boolean): Promise<void> {
  const transaction = transactions.get(txId);
  if (transaction === undefined) throw new Error(`no open transaction ${String(txId)}`);
  transactions.delete(txId);
  transaction.finish(commit);
  await transaction.done;
}

async function handle(db: PGlite, request: PgliteRequest): Promise<unknown> {
  switch (request.op) {
    case 'query': {
      const parsers = Object.fromEntries(request.rawTypes.map((oid) => [oid, identity]));
      const executor = request.txId === null ? db : transactions.get(request.txId)?.tx;
      if (executor === undefined) throw new Error(`no open transaction ${String(request.txId)}`);
      const result = await executor.query(request.sql, [...request.params], { rowMode: request.rowMode, parsers });
      return { rows: result.rows, affectedRows: result.affectedRows, fields: result.fields };
    }
    case 'begin':
      await begin(db, request.id);
      return null;
    case 'end':
      await end(request.txId, request.commit);
      return null;
    case 'listen': {
      if (!unlisteners.has(request.channel)) {
        const channel = request.channel;
        unlisteners.set(channel, await db.listen(channel, (payload) => {
          post({ kind: 'notification', channel, payload });
        }));
      }
      return null;
    }
    case 'unlisten': {
      const unlisten = unlisteners.get(request.channel);
      unlisteners.delete(request.channel);
      await unlisten?.();
      return null;
    }
    case 'dump':
      return db.dumpDataDir('none');
    case 'close':
      if (!db.closed) await db.close();
      return null;
  }
}

async function main(): Promise<void> {
  let db: PGlite;
  try {
    db = open(workerData as PgliteThreadTarget);
    await db.waitReady;
  } catch (error) {
    post({ kind: 'failed', error: errorFields(error) });
    return;
  }
  port?.on('message', (request: PgliteRequest) => {
    handle(db, request).then(
      (value) => {
        post({ kind: 'reply', id: request.id, ok: true, value });
      },
      (error: unknown) => {
        post({ kind: 'reply', id: request.id, ok: false, error: errorFields(error) });
      },
    );
  });
  post({ kind: 'ready' });
}

void main();
