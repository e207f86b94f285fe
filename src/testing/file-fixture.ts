import { afterAll, beforeAll } from 'vitest';

/** Something one test file opens before its tests and closes after them. */
export interface FileFixture<T> {
  /** The open value; throws outside the file's tests (before its `beforeAll`, after its `afterAll`). */
  readonly value: T;
}

/** Registers the file's hooks: `open()` before its tests, `close(value)` after them; `name` says what is missing when read too early. */
export function useFileFixture<T>(name: string, open: () => Promise<T>, close: (value: T) => Promise<void>): FileFixture<T> {
  let value: { readonly current: T } | undefined;
  beforeAll(async () => {
    value = { current: await open() };
  });
  afterAll(async () => {
    if (value) await close(value.current);
    value = undefined;
  });
  return {
    get value() {
      if (!value) throw new Error(`${name} is open only inside the tests`);
      return value.current;
    },
  };
}
