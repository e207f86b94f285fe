import type { RealtimeError } from 'openai/resources/realtime/realtime';
import type { z } from 'zod';
import { invalidRequest } from './errors.ts';

/**
 * Turns the first zod issue into the error the real API sends for the same mistake. The wording
 * follows captured API messages: "Unknown parameter: 'session.voice'.", "Missing required parameter:
 * 'session.type'.", "Invalid type for 'session.audio.input.format': expected an object, but got a
 * string instead.", "Invalid value: 'pcm16'. Supported values are: 'audio/pcm', 'audio/pcmu', and
 * 'audio/pcma'.". Custom issues carry their own `{ code, message }` in `params`.
 */
export function realtimeErrorFromZod(error: z.ZodError): RealtimeError {
  const issues = error.issues;
  // Unknown keys first: a beta leftover is the most useful thing to report.
  const issue = issues.find((candidate) => candidate.code === 'unrecognized_keys') ?? issues[0];
  if (issue === undefined) return invalidRequest('invalid_value', 'Invalid request.');
  const param = paramOf(issue.path);
  const input: unknown = 'input' in issue ? issue.input : undefined;
  switch (issue.code) {
    case 'unrecognized_keys': {
      const name = joinParam(param, issue.keys[0] ?? '');
      return invalidRequest('unknown_parameter', `Unknown parameter: '${name}'.`, name);
    }
    case 'invalid_type':
      if (input === undefined) return missing(param);
      return invalidRequest(
        'invalid_type',
        `Invalid type for '${param}': expected ${expectedPhrase(issue.expected)}, but got ${describe(input)} instead.`,
        param,
      );
    case 'invalid_value':
      if (input === undefined) return missing(param);
      return invalidValue(param, input, issue.values);
    case 'invalid_union':
      return fromUnion(issue, param, input);
    case 'too_big':
    case 'too_small':
      return fromRange(issue, param, input);
    case 'custom':
      return fromCustom(issue, param);
    default:
      return invalidRequest('invalid_value', `Invalid value for '${param}'.`, param);
  }
}

function missing(param: string): RealtimeError {
  return invalidRequest('missing_required_parameter', `Missing required parameter: '${param}'.`, param);
}

function invalidValue(param: string, input: unknown, values: readonly unknown[]): RealtimeError {
  const supported = values.map((value) => `'${String(value)}'`);
  const list = supported.length <= 2 ? supported.join(' and ') : `${supported.slice(0, -1).join(', ')}, and ${supported.at(-1) ?? ''}`;
  return invalidRequest('invalid_value', `Invalid value: '${printable(input)}'. Supported values are: ${list}.`, param);
}

function fromUnion(issue: z.core.$ZodIssueInvalidUnion, param: string, input: unknown): RealtimeError {
  const discriminator = 'discriminator' in issue && typeof issue.discriminator === 'string' ? issue.discriminator : null;
  const options = 'options' in issue && Array.isArray(issue.options) ? (issue.options as unknown[]) : [];
  if (discriminator !== null) {
    // zod points the path at the discriminator and puts the whole object in `input`.
    const value = isRecord(input) ? input[discriminator] : undefined;
    if (!isRecord(input)) return invalidRequest('invalid_type', `Invalid type for '${parentOf(param)}': expected an object, but got ${describe(input)} instead.`, parentOf(param));
    return value === undefined ? missing(param) : invalidValue(param, value, options);
  }
  return invalidRequest('invalid_value', `Invalid value for '${param}'.`, param);
}

function fromRange(issue: z.core.$ZodIssueTooBig | z.core.$ZodIssueTooSmall, param: string, input: unknown): RealtimeError {
  const above = issue.code === 'too_big';
  const limit = issue.code === 'too_big' ? issue.maximum : issue.minimum;
  if (issue.origin === 'array') {
    const code = above ? 'array_above_max_length' : 'array_below_min_length';
    const bound = above ? 'maximum' : 'minimum';
    return invalidRequest(code, `Invalid '${param}': array too ${above ? 'long' : 'short'}. Expected an array with ${bound} length ${String(limit)}.`, param);
  }
  if (issue.origin === 'string') {
    const code = above ? 'string_above_max_length' : 'empty_string';
    return invalidRequest(code, `Invalid '${param}': string too ${above ? 'long' : 'short'}. Expected a string with ${above ? 'maximum' : 'minimum'} length ${String(limit)}.`, param);
  }
  const kind = typeof input === 'number' && Number.isInteger(input) ? 'integer' : 'decimal';
  const code = `${kind}_${above ? 'above_max' : 'below_min'}_value`;
  const relation = above ? '<=' : '>=';
  return invalidRequest(
    code,
    `Invalid '${param}': ${kind} ${above ? 'above maximum' : 'below minimum'} value. Expected a value ${relation} ${String(limit)}, but got ${printable(input)} instead.`,
    param,
  );
}

function fromCustom(issue: z.core.$ZodIssueCustom, param: string): RealtimeError {
  const params: unknown = issue.params;
  const code = isRecord(params) && typeof params['code'] === 'string' ? params['code'] : 'invalid_value';
  return invalidRequest(code, issue.message, param);
}

function paramOf(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${String(key)}]` : joinParam(out, String(key))), '');
}

function joinParam(parent: string, key: string): string {
  return parent === '' ? key : `${parent}.${key}`;
}

function parentOf(param: string): string {
  const cut = param.lastIndexOf('.');
  return cut === -1 ? param : param.slice(0, cut);
}

function expectedPhrase(expected: string): string {
  switch (expected) {
    case 'int':
      return 'an integer';
    case 'object':
      return 'an object';
    case 'array':
      return 'an array';
    case 'number':
      return 'a decimal number';
    default:
      return `a ${expected}`;
  }
}

function describe(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'an array';
  if (typeof input === 'number') return Number.isInteger(input) ? 'an integer' : 'a decimal number';
  if (typeof input === 'object') return 'an object';
  return `a ${typeof input}`;
}

function printable(input: unknown): string {
  return typeof input === 'string' || typeof input === 'number' || typeof input === 'boolean' ? String(input) : JSON.stringify(input);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
