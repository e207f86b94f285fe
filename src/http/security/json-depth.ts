import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../../core/errors.ts';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/**
 * Whether JSON text nests arrays and objects deeper than `maxDepth`, found by one scan of the raw
 * text (brackets inside strings do not count). Runs before parsing, so a hostile body never reaches
 * `JSON.parse` or the schema validators, whose cost grows with depth.
 */
export function jsonNestsDeeperThan(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i += 1;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth += 1;
      if (depth > maxDepth) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth -= 1;
    }
  }
  return false;
}

/** Why secure-json-parse refused text that `JSON.parse` accepts: a prototype-poisoning key. */
function forbiddenKeyOf(text: string): string | undefined {
  try {
    JSON.parse(text);
  } catch {
    return undefined;
  }
  return text.includes('"__proto__"') ? '__proto__' : 'constructor.prototype';
}

/**
 * Replaces the `application/json` body parser with Fastify's own (secure-json-parse, refusing
 * `__proto__` and `constructor.prototype`) behind a depth check: a body nested deeper than
 * `maxDepth` is refused as `json_too_deep` (400). An empty body (or only whitespace) is no body,
 * as if no content-type had been sent, so a client that always sets `content-type: application/json`
 * can call a route that takes none; a route that needs a body still refuses it in validation.
 * A refused poisoning key is named in the message. Register it before any route.
 */
export const jsonDepthPlugin = fp(
  (app: FastifyInstance, options: { maxDepth: number }, done: (err?: Error) => void) => {
    const parse = app.getDefaultJsonParser('error', 'error');
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, parsed) => {
      const text = typeof body === 'string' ? body : body.toString('utf8');
      if (text.trim() === '') {
        parsed(null, undefined);
        return;
      }
      if (jsonNestsDeeperThan(text, options.maxDepth)) {
        parsed(new AppError('json_too_deep', `The JSON body nests deeper than ${options.maxDepth} levels`), undefined);
        return;
      }
      void parse(request, text, (error, value) => {
        // Only a refused body is parsed again, to say why; accepted bodies are parsed once.
        const key = error === null ? undefined : forbiddenKeyOf(text);
        if (key !== undefined) parsed(new AppError('invalid_json', `Body contains a forbidden key ${key}`), undefined);
        else parsed(error, value);
      });
    });
    done();
  },
  { name: 'switchboard-json-depth' },
);
