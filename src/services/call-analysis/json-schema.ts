import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS: under NodeNext its default import is the module, whose value is the plugin.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/**
 * One ajv instance for extraction schemas: every error reported (the model gets them all back), unknown
 * keywords and formats refused (a typo in a schema is a 400 when the agent is saved, not a silent
 * no-op), type coercion and defaults off (the model's answer is checked as it is, never repaired).
 */
function createAjv(): Ajv {
  // addUsedSchema: false — a schema with an `$id` is not registered globally, so compiling it again
  // (the same plan at save time and at every call's end) is not "schema … already exists".
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, strictTuples: false, strictRequired: false, logger: false, validateFormats: true, addUsedSchema: false });
  addFormats(ajv);
  return ajv;
}

const ajv = createAjv();

/** A compiled schema, or ajv's message saying why the schema itself is invalid. */
export type CompiledSchema = { readonly ok: true; readonly validate: ValidateFunction } | { readonly ok: false; readonly message: string };

/**
 * Compiled schemas by their JSON text, least recently used first. ajv's own cache is keyed by the
 * schema object, and every analysis reads its plan afresh from the database: without this each
 * call's end would compile (and ajv would keep) one more validator.
 */
const compiled = new Map<string, { readonly schema: Record<string, unknown>; readonly validate: ValidateFunction }>();
const maxCompiled = 256;

/** Compiles an extraction schema (or returns the validator compiled for the same JSON before). */
export function compileJsonSchema(schema: Record<string, unknown>): CompiledSchema {
  const key = JSON.stringify(schema);
  const known = compiled.get(key);
  if (known) {
    compiled.delete(key);
    compiled.set(key, known);
    return { ok: true, validate: known.validate };
  }
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(schema);
  } catch (error) {
    ajv.removeSchema(schema);
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  compiled.set(key, { schema, validate });
  for (const [oldest, entry] of compiled) {
    if (compiled.size <= maxCompiled) break;
    compiled.delete(oldest);
    ajv.removeSchema(entry.schema);
  }
  return { ok: true, validate };
}

/** Validation errors as short lines (`/phone must match pattern "^\+?[0-9]+$"`), at most `limit`. */
export function describeSchemaErrors(errors: readonly ErrorObject[] | null | undefined, limit = 20): string[] {
  const lines = (errors ?? []).map((e) => {
    const where = e.instancePath === '' ? '(root)' : e.instancePath;
    if (e.keyword === 'additionalProperties') return `${where} must not have the property "${String(e.params.additionalProperty)}"`;
    return `${where} ${e.message ?? 'is invalid'}`;
  });
  return lines.length > limit ? [...lines.slice(0, limit), `… and ${String(lines.length - limit)} more`] : lines;
}

function isSchemaObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Why OpenAI would refuse this schema in strict mode (every object must set
 * `additionalProperties: false` and list every property in `required`); empty when it would not.
 */
export function strictModeProblems(schema: Record<string, unknown>, path = ''): string[] {
  const problems: string[] = [];
  const at = path === '' ? '(root)' : path;
  const props = isSchemaObject(schema.properties) ? schema.properties : undefined;
  if (schema.type === 'object' || props !== undefined) {
    if (schema.additionalProperties !== false) problems.push(`${at} must set additionalProperties to false`);
    const required = Array.isArray(schema.required) ? schema.required : [];
    const missing = Object.keys(props ?? {}).filter((name) => !required.includes(name));
    if (missing.length > 0) problems.push(`${at} must list every property in required (missing: ${missing.join(', ')})`);
  }
  for (const [name, child] of Object.entries(props ?? {})) if (isSchemaObject(child)) problems.push(...strictModeProblems(child, `${path}/properties/${name}`));
  if (isSchemaObject(schema.items)) problems.push(...strictModeProblems(schema.items, `${path}/items`));
  for (const key of ['anyOf', '$defs', 'definitions'] as const) {
    const group = schema[key];
    const entries = Array.isArray(group) ? group.map((child, i) => [String(i), child] as const) : isSchemaObject(group) ? Object.entries(group) : [];
    for (const [name, child] of entries) if (isSchemaObject(child)) problems.push(...strictModeProblems(child, `${path}/${key}/${name}`));
  }
  return problems;
}
