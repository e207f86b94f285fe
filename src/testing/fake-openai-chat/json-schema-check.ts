/**
 * The two JSON Schema checks the fake needs for structured outputs, no more:
 * - `strictSchemaProblems`: what OpenAI refuses in a `strict: true` schema (every object needs
 *   `additionalProperties: false` and every property listed in `required`);
 * - `valueProblems`: whether a scripted JSON reply matches the request's schema, so a test that
 *   scripts the wrong shape fails loudly instead of testing nothing. Supports `type` (or a list),
 *   `properties`, `required`, `additionalProperties: false`, `items`, `enum`, `const`, `anyOf`,
 *   `minItems`/`maxItems`, `minimum`/`maximum` and local `$ref: "#/$defs/…"`.
 */

type Schema = Readonly<Record<string, unknown>>;

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function childSchemas(schema: Schema): [string, Schema][] {
  const children: [string, Schema][] = [];
  const props = schema.properties;
  if (isSchema(props)) for (const [name, child] of Object.entries(props)) if (isSchema(child)) children.push([`.${name}`, child]);
  if (isSchema(schema.items)) children.push(['[]', schema.items]);
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const list = schema[key];
    if (Array.isArray(list)) list.forEach((child: unknown, i) => { if (isSchema(child)) children.push([`.${key}[${i}]`, child]); });
  }
  for (const key of ['$defs', 'definitions'] as const) {
    const defs = schema[key];
    if (isSchema(defs)) for (const [name, child] of Object.entries(defs)) if (isSchema(child)) children.push([`.${key}.${name}`, child]);
  }
  return children;
}

function typesOf(schema: Schema): string[] {
  const type = schema.type;
  if (typeof type === 'string') return [type];
  if (Array.isArray(type)) return type.filter((t): t is string => typeof t === 'string');
  return [];
}

/** Problems OpenAI reports for a strict structured-output schema; empty when it is acceptable. */
export function strictSchemaProblems(schema: Schema, path = 'schema'): string[] {
  const problems: string[] = [];
  if (typesOf(schema).includes('object') || isSchema(schema.properties)) {
    if (schema.additionalProperties !== false) problems.push(`${path}: 'additionalProperties' is required to be supplied and to be false`);
    const names = isSchema(schema.properties) ? Object.keys(schema.properties) : [];
    const required = Array.isArray(schema.required) ? schema.required : [];
    const missing = names.filter((name) => !required.includes(name));
    if (missing.length > 0) problems.push(`${path}: 'required' is required to be supplied and to be an array including every key in properties. Missing '${missing.join("', '")}'`);
  }
  for (const [suffix, child] of childSchemas(schema)) problems.push(...strictSchemaProblems(child, `${path}${suffix}`));
  return problems;
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function resolveRef(schema: Schema, root: Schema): Schema {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  const match = /^#\/(\$defs|definitions)\/(.+)$/.exec(ref);
  const defs = match ? root[match[1] ?? ''] : undefined;
  const target = isSchema(defs) ? defs[match?.[2] ?? ''] : undefined;
  return isSchema(target) ? target : {};
}

function objectProblems(schema: Schema, value: Record<string, unknown>, path: string, root: Schema): string[] {
  const problems: string[] = [];
  const props = isSchema(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === 'string') : [];
  for (const name of required) if (!(name in value)) problems.push(`${path}.${name}: is required`);
  for (const [name, child] of Object.entries(value)) {
    const childSchema = props[name];
    if (isSchema(childSchema)) problems.push(...valueProblems(childSchema, child, `${path}.${name}`, root));
    else if (schema.additionalProperties === false) problems.push(`${path}.${name}: is not allowed`);
  }
  return problems;
}

function boundsProblems(schema: Schema, value: unknown, path: string): string[] {
  const problems: string[] = [];
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) problems.push(`${path}: below minimum ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && value > schema.maximum) problems.push(`${path}: above maximum ${schema.maximum}`);
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) problems.push(`${path}: fewer than ${schema.minItems} items`);
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) problems.push(`${path}: more than ${schema.maxItems} items`);
  }
  return problems;
}

/** Where `value` does not match `schema`; empty when it does. */
export function valueProblems(schemaIn: Schema, value: unknown, path = '$', root: Schema = schemaIn): string[] {
  const schema = resolveRef(schemaIn, root);
  const anyOf = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(anyOf)) {
    const fits = anyOf.some((option: unknown) => isSchema(option) && valueProblems(option, value, path, root).length === 0);
    return fits ? [] : [`${path}: matches none of the anyOf schemas`];
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((option: unknown) => JSON.stringify(option) === JSON.stringify(value))) return [`${path}: is not one of the enum values`];
  if ('const' in schema && JSON.stringify(schema.const) !== JSON.stringify(value)) return [`${path}: is not the const value`];
  const types = typesOf(schema);
  const actual = jsonType(value);
  if (types.length > 0 && !types.includes(actual) && !(actual === 'integer' && types.includes('number'))) return [`${path}: expected ${types.join(' or ')}, got ${actual}`];
  const problems = boundsProblems(schema, value, path);
  if (actual === 'object') problems.push(...objectProblems(schema, value as Record<string, unknown>, path, root));
  if (Array.isArray(value) && isSchema(schema.items)) {
    const items = schema.items;
    value.forEach((item, i) => problems.push(...valueProblems(items, item, `${path}[${i}]`, root)));
  }
  return problems;
}
