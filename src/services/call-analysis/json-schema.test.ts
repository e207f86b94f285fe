import { describe, expect, it } from 'vitest';
import { compileJsonSchema, describeSchemaErrors, strictModeProblems } from './json-schema.ts';

describe('extraction schemas', () => {
  it('compile again and again, even with an $id (save time, then every call’s end), reusing the validator', () => {
    const schema = () => ({ $id: 'https://example.test/booking.json', type: 'object', properties: { name: { type: 'string' } }, required: ['name'] });
    const first = compileJsonSchema(schema());
    const second = compileJsonSchema(schema());
    expect(first.ok && second.ok).toBe(true);
    if (first.ok && second.ok) expect(second.validate).toBe(first.validate);
  });

  it('keep at most a bounded number of compiled validators', () => {
    const firstSchema = { type: 'object', properties: { n0: { type: 'integer' } } };
    const first = compileJsonSchema(firstSchema);
    for (let i = 1; i <= 300; i += 1) expect(compileJsonSchema({ type: 'object', properties: { [`n${String(i)}`]: { type: 'integer' } } }).ok).toBe(true);
    const again = compileJsonSchema({ type: 'object', properties: { n0: { type: 'integer' } } });
    expect(first.ok && again.ok).toBe(true);
    if (first.ok && again.ok) expect(again.validate).not.toBe(first.validate);
  });

  it('report every validation error as a short line, and what strict mode would refuse', () => {
    const result = compileJsonSchema({ type: 'object', properties: { a: { type: 'string', minLength: 2 }, b: { type: 'integer' } }, additionalProperties: false });
    if (!result.ok) throw new Error(result.message);
    expect(result.validate({ a: 'x', b: 'two', c: 1 })).toBe(false);
    expect(describeSchemaErrors(result.validate.errors)).toEqual(['(root) must not have the property "c"', '/a must NOT have fewer than 2 characters', '/b must be integer']);
    expect(strictModeProblems({ type: 'object', properties: { a: { type: 'object', properties: { x: { type: 'string' } }, required: ['x'] } }, required: ['a'], additionalProperties: false })).toEqual([
      '/properties/a must set additionalProperties to false',
    ]);
  });
});
