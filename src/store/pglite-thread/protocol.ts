/**
 * Messages between the main thread and the worker thread that runs the embedded PGlite database
 * (`pglite-thread-client.ts` ⇄ `pglite-worker.ts`). Everything crosses by structured clone, so
 * parameters and rows keep their types (Date, Uint8Array, parsed JSON) exactly as an in-process PGlite
 * would see and return them.
 */

/** What the worker opens: a data directory, or memory (from a `dumpDataDir()` image when given). */
export interface PgliteThreadTarget {
  readonly dataDir?: string;
  readonly template?: Blob;
}

export type PgliteRequest =
  | {
      readonly id: number;
      readonly op: 'query';
      /** The transaction this runs in (the id of its `begin`), or null outside one. */
      readonly txId: number | null;
      readonly sql: string;
      readonly params: readonly unknown[];
      readonly rowMode: 'array' | 'object';
      /** Type OIDs to return as the server's text, unparsed (drizzle's parsers are identities). */
      readonly rawTypes: readonly number[];
    }
  | { readonly id: number; readonly op: 'begin' }
  | { readonly id: number; readonly op: 'end'; readonly txId: number; readonly commit: boolean }
  | { readonly id: number; readonly op: 'listen'; readonly channel: string }
  | { readonly id: number; readonly op: 'unlisten'; readonly channel: string }
  | { readonly id: number; readonly op: 'dump' }
  | { readonly id: number; readonly op: 'close' };

/** A database error's fields, as PGlite's `DatabaseError` has them (`code` is the SQLSTATE). */
export interface PgliteErrorFields {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly detail?: string;
  readonly hint?: string;
  readonly constraint?: string;
  readonly table?: string;
  readonly column?: string;
  readonly schema?: string;
  readonly severity?: string;
}

export interface PgliteQueryResult {
  readonly rows: unknown[];
  readonly affectedRows?: number;
  readonly fields: readonly { readonly name: string; readonly dataTypeID: number }[];
}

export type PgliteWorkerMessage =
  | { readonly kind: 'ready' }
  | { readonly kind: 'failed'; readonly error: PgliteErrorFields }
  | { readonly kind: 'reply'; readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly kind: 'reply'; readonly id: number; readonly ok: false; readonly error: PgliteErrorFields }
  | { readonly kind: 'notification'; readonly channel: string; readonly payload: string };

const ERROR_FIELDS = ['code', 'detail', 'hint', 'constraint', 'table', 'column', 'schema', 'severity'] as const;

/** The cloneable part of any thrown value. */
export function errorFields(error: unknown): PgliteErrorFields {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const fields: Record<string, string> = {};
  for (const key of ERROR_FIELDS) {
    const value: unknown = (error as unknown as Record<string, unknown>)[key];
    if (typeof value === 'string') fields[key] = value;
  }
  return { ...fields, name: error.name, message: error.message };
}

/** A database error raised in the worker, rebuilt on this side with the same fields. */
export class PgliteThreadError extends Error {
  readonly code?: string;
  readonly detail?: string;
  readonly hint?: string;
  readonly constraint?: string;
  readonly table?: string;
  readonly column?: string;
  readonly schema?: string;
  readonly severity?: string;

  constructor(fields: PgliteErrorFields) {
    super(fields.message);
    this.name = fields.name;
    Object.assign(this, Object.fromEntries(ERROR_FIELDS.flatMap((key) => (fields[key] === undefined ? [] : [[key, fields[key]]]))));
  }
}
