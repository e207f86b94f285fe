import type { TestProject } from 'vitest/node';
import { ensurePgliteTemplate } from './pglite-template.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
  }
}

/** Runs once before the suite: builds (or reuses) the migrated PGlite image every test database starts from. */
export default async function setup(project: TestProject): Promise<void> {
  project.provide('pgliteTemplate', await ensurePgliteTemplate());
}
