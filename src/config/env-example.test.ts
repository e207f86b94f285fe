import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { envSchema } from './schema.ts';

describe('.env.example and the README', () => {
  it('document every variable of the config schema, and nothing else', () => {
    const variables = Object.keys(envSchema.shape).sort();
    const example = readFileSync('.env.example', 'utf8');
    const documented = [...example.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]).sort();
    expect(documented).toEqual(variables);
    const readme = readFileSync('README.md', 'utf8');
    for (const name of variables) expect(readme, name).toContain(`\`${name}\``);
  });
});
