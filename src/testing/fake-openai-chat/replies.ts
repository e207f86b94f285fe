import type { ChatCompletionRequest } from './request-schema.ts';

/**
 * What the fake answers to one request:
 * - `text`: an assistant message (`finishReason` defaults to `stop`);
 * - `json`: a structured output: `value` serialised as the content; with a `json_schema` response
 *   format it must match the request's schema (a mismatch is a 500 naming the problems: the test
 *   scripted the wrong shape); `unchecked: true` (`offSchema(value)`) sends it anyway, as a model does
 *   when the schema is not strict or uses a keyword strict mode does not enforce (`format`, `pattern`);
 * - `tool_calls`: function calls (`arguments` serialised);
 * - `error`: an OpenAI error body with `status` (500, 429, 400, 503…);
 * - `timeout`: never answers; the client's timeout (or `close()`) ends it;
 * - `hang`: held unanswered until the test calls `release()` (or the client goes away: its timeout, its
 *   process killed), to catch work in flight (`hanging` counts the requests held);
 * - `malformed`: 200 with a body that is not JSON (a broken proxy);
 * - `delay`: waits `ms`, then answers `then`.
 */
export type ScriptedReply =
  | { readonly kind: 'text'; readonly content: string; readonly finishReason?: 'stop' | 'length' | 'content_filter' }
  | { readonly kind: 'json'; readonly value: unknown; readonly unchecked?: boolean }
  | { readonly kind: 'tool_calls'; readonly calls: readonly { readonly name: string; readonly arguments: unknown }[] }
  | { readonly kind: 'error'; readonly status: number; readonly code?: string; readonly message?: string }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'hang' }
  | { readonly kind: 'malformed' }
  | { readonly kind: 'delay'; readonly ms: number; readonly then: ScriptedReply };

/** Picks the reply to a request; `index` counts requests from 0. */
export type Responder = (request: ChatCompletionRequest, index: number) => ScriptedReply;

export const text = (content: string): ScriptedReply => ({ kind: 'text', content });
export const json = (value: unknown): ScriptedReply => ({ kind: 'json', value });
/** A structured answer that deliberately does not fit the request's schema (what a non-strict schema lets through). */
export const offSchema = (value: unknown): ScriptedReply => ({ kind: 'json', value, unchecked: true });
/** Holds the request unanswered until `release()` or the client goes away. */
export const hang = (): ScriptedReply => ({ kind: 'hang' });
export const failure = (status: number, code?: string): ScriptedReply => ({ kind: 'error', status, ...(code === undefined ? {} : { code }) });

export interface OpenAiErrorBody {
  readonly error: { readonly message: string; readonly type: string; readonly param: string | null; readonly code: string | null };
}

const errorTypes: Readonly<Record<number, string>> = {
  400: 'invalid_request_error',
  401: 'invalid_request_error',
  403: 'invalid_request_error',
  404: 'invalid_request_error',
  429: 'requests',
  500: 'server_error',
  503: 'server_error',
};

const defaultMessages: Readonly<Record<number, string>> = {
  429: 'Rate limit reached for requests. Please try again in 1s.',
  500: 'The server had an error while processing your request. Sorry about that!',
  503: 'The engine is currently overloaded, please try again later.',
};

export function errorBody(status: number, message?: string, code?: string | null, param: string | null = null): OpenAiErrorBody {
  return {
    error: {
      message: message ?? defaultMessages[status] ?? `Request failed with status ${status}`,
      type: errorTypes[status] ?? (status >= 500 ? 'server_error' : 'invalid_request_error'),
      param,
      code: code ?? (status === 429 ? 'rate_limit_exceeded' : null),
    },
  };
}

/** Rough token counts (four characters a token), enough for usage fields. */
export function estimateTokens(textIn: string): number {
  return Math.max(1, Math.ceil(textIn.length / 4));
}

export interface ChoiceMessage {
  readonly role: 'assistant';
  readonly content: string | null;
  readonly refusal: null;
  readonly tool_calls?: readonly { id: string; type: 'function'; function: { name: string; arguments: string } }[];
}

/** The assistant message and finish reason of a content-bearing reply. */
export function messageOf(reply: Extract<ScriptedReply, { kind: 'text' | 'json' | 'tool_calls' }>, idPrefix: string): { message: ChoiceMessage; finishReason: string } {
  switch (reply.kind) {
    case 'text':
      return { message: { role: 'assistant', content: reply.content, refusal: null }, finishReason: reply.finishReason ?? 'stop' };
    case 'json':
      return { message: { role: 'assistant', content: JSON.stringify(reply.value), refusal: null }, finishReason: 'stop' };
    case 'tool_calls':
      return {
        message: {
          role: 'assistant',
          content: null,
          refusal: null,
          tool_calls: reply.calls.map((call, i) => ({ id: `call_${idPrefix}_${i}`, type: 'function' as const, function: { name: call.name, arguments: JSON.stringify(call.arguments) } })),
        },
        finishReason: 'tool_calls',
      };
  }
}

/** The SSE chunks of a streamed completion (protocols.md §5.2), `[DONE]` excluded. */
export function streamChunks(base: { id: string; created: number; model: string }, message: ChoiceMessage, finishReason: string, usage: object | null): object[] {
  const chunk = (delta: object, finish: string | null) => ({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], usage: null });
  const chunks: object[] = [chunk({ role: 'assistant', content: '', refusal: null }, null)];
  if (message.content !== null) for (const piece of message.content.match(/\S+\s*|\s+/g) ?? []) chunks.push(chunk({ content: piece }, null));
  message.tool_calls?.forEach((call, index) => {
    chunks.push(chunk({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }] }, null));
    chunks.push(chunk({ tool_calls: [{ index, function: { arguments: call.function.arguments } }] }, null));
  });
  chunks.push(chunk({}, finishReason));
  if (usage !== null) chunks.push({ ...base, object: 'chat.completion.chunk', choices: [], usage });
  return chunks;
}

/**
 * A responder that answers each request from the script of its structured output's name
 * (`response_format.json_schema.name`), or from `text` when it asks for plain text, in order: tests
 * of code that makes several kinds of requests script each kind apart. A request with nothing left
 * in its script gets a 500 naming it (the test did not expect it).
 */
export function scriptByFormat(scripts: Readonly<Record<string, readonly ScriptedReply[]>>): Responder {
  const queues = new Map(Object.entries(scripts).map(([name, replies]) => [name, [...replies]]));
  return (request) => {
    const format = request.response_format;
    const name = format?.type === 'json_schema' ? format.json_schema.name : 'text';
    return queues.get(name)?.shift() ?? { kind: 'error', status: 500, message: `fake: no scripted reply left for "${name}"` };
  };
}
