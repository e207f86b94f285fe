import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { strictSchemaProblems, valueProblems } from './json-schema-check.ts';
import { errorBody, estimateTokens, messageOf, streamChunks, type Responder, type ScriptedReply } from './replies.ts';
import { chatCompletionRequestSchema, messageText, type ChatCompletionRequest } from './request-schema.ts';

/** The key the fake accepts unless told otherwise. */
export const FAKE_OPENAI_CHAT_API_KEY = 'sk-fake-chat-key';

const completionsPath = '/v1/chat/completions';
const maxBodyBytes = 4 * 1024 * 1024;

export interface FakeOpenAiChatOptions {
  /** The only key accepted as `Authorization: Bearer <key>`. */
  readonly apiKey?: string;
  /** Replies in order, one per request; when they run out, `respond` (or the default echo) answers. */
  readonly replies?: readonly ScriptedReply[];
  readonly respond?: Responder;
}

/** One request the fake accepted for answering (valid key, valid body). */
export interface RecordedChatRequest {
  readonly body: ChatCompletionRequest;
  readonly headers: IncomingMessage['headers'];
}

export interface FakeOpenAiChat {
  /** `http://127.0.0.1:PORT/v1`: the `baseURL` of the `openai` client (`OPENAI_BASE_URL`). */
  readonly baseUrl: string;
  readonly apiKey: string;
  /** Every request that reached the responder, in order. */
  readonly requests: readonly RecordedChatRequest[];
  /** Requests refused before the responder (bad key, bad body, wrong path), with the status given. */
  readonly refused: readonly { readonly status: number; readonly message: string }[];
  /** Queues replies after the ones already queued. */
  enqueue(...replies: ScriptedReply[]): void;
  /** Answers with `respond` once the queue is empty. */
  respondWith(respond: Responder): void;
  /** How many `hang` requests are held unanswered, their client still connected. */
  readonly hanging: number;
  /**
   * Answers every held `hang` request, with `reply` or else what the responder (or the queue) gives
   * for it; returns how many were answered.
   */
  release(reply?: ScriptedReply): number;
  close(): Promise<void>;
}

interface Refusal {
  readonly ok: false;
  readonly status: number;
  readonly message: string;
  readonly code?: string;
  readonly param?: string;
}

function refusal(status: number, message: string, code?: string, param?: string): Refusal {
  return { ok: false, status, message, ...(code === undefined ? {} : { code }), ...(param === undefined ? {} : { param }) };
}

/** Without a script: "You said: <last user message>", or a JSON value matching nothing in particular. */
const echo: Responder = (request) => {
  const last = [...request.messages].reverse().find((m) => m.role === 'user');
  return { kind: 'text', content: `You said: ${last ? messageText(last) : ''}` };
};

/**
 * Starts a fake of OpenAI's `POST /v1/chat/completions` on 127.0.0.1 (ephemeral port). A TEST TOOL,
 * never product code: it checks the key, validates the body strictly (unknown fields, message shapes,
 * strict json_schema rules), answers with scripted replies (plain, streamed as SSE, structured JSON,
 * tool calls) and injects failures (HTTP errors, timeouts, malformed bodies).
 */
export async function startFakeOpenAiChat(options: FakeOpenAiChatOptions = {}): Promise<FakeOpenAiChat> {
  const fake = new FakeChatServer(options);
  await fake.listen();
  return fake;
}

class FakeChatServer implements FakeOpenAiChat {
  readonly apiKey: string;
  readonly requests: RecordedChatRequest[] = [];
  readonly refused: { status: number; message: string }[] = [];
  readonly #queue: ScriptedReply[];
  readonly #http: Server;
  readonly #pending = new Set<ServerResponse>();
  readonly #timers = new Set<NodeJS.Timeout>();
  /** `hang` requests held, with their body and index, until `release()` or their client goes away. */
  readonly #held = new Map<ServerResponse, { body: ChatCompletionRequest; index: number }>();
  #respond: Responder;
  #port = 0;
  #completions = 0;

  constructor(options: FakeOpenAiChatOptions) {
    this.apiKey = options.apiKey ?? FAKE_OPENAI_CHAT_API_KEY;
    this.#queue = [...(options.replies ?? [])];
    this.#respond = options.respond ?? echo;
    this.#http = createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        this.#send(res, 500, errorBody(500, `fake crashed: ${error instanceof Error ? error.message : String(error)}`));
      });
    });
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.#port}/v1`;
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#http.once('error', reject);
      this.#http.listen(0, '127.0.0.1', () => {
        this.#port = (this.#http.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  enqueue(...replies: ScriptedReply[]): void {
    this.#queue.push(...replies);
  }

  respondWith(respond: Responder): void {
    this.#respond = respond;
  }

  get hanging(): number {
    return this.#held.size;
  }

  release(reply?: ScriptedReply): number {
    const held = [...this.#held];
    this.#held.clear();
    for (const [res, { body, index }] of held) this.#answer(res, body, index, reply ?? this.#queue.shift() ?? this.#respond(body, index));
    return held.length;
  }

  async close(): Promise<void> {
    this.#held.clear();
    for (const timer of this.#timers) clearTimeout(timer);
    for (const res of this.#pending) res.destroy();
    this.#http.closeAllConnections();
    await new Promise<void>((resolve) => this.#http.close(() => { resolve(); }));
  }

  #send(res: ServerResponse, status: number, body: object): void {
    this.#pending.delete(res);
    if (res.headersSent || res.destroyed) return;
    res.writeHead(status, { 'content-type': 'application/json', ...(status === 429 ? { 'retry-after': '1' } : {}) });
    res.end(JSON.stringify(body));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const checked = await this.#accept(req);
    if (!checked.ok) {
      this.refused.push({ status: checked.status, message: checked.message });
      this.#send(res, checked.status, errorBody(checked.status, checked.message, checked.code ?? null, checked.param ?? null));
      return;
    }
    const body = checked.body;
    const index = this.requests.length;
    this.requests.push({ body, headers: req.headers });
    this.#pending.add(res);
    res.on('close', () => {
      this.#pending.delete(res);
      this.#held.delete(res);
    });
    this.#answer(res, body, index, this.#queue.shift() ?? this.#respond(body, index));
  }

  /** The checks the real API makes before answering, in its order: path, key, content type, JSON, fields, schema. */
  async #accept(req: IncomingMessage): Promise<{ ok: true; body: ChatCompletionRequest } | Refusal> {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (req.method !== 'POST' || path !== completionsPath) return refusal(404, `Invalid URL (${req.method ?? ''} ${path})`);
    if (req.headers.authorization !== `Bearer ${this.apiKey}`) {
      return refusal(401, 'Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.', 'invalid_api_key');
    }
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return refusal(400, 'Invalid content type: expected application/json');
    const raw = await readBody(req);
    if (raw === undefined) return refusal(413, 'Request too large');
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return refusal(400, 'We could not parse the JSON body of your request.');
    }
    const parsed = chatCompletionRequestSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const param = issue?.path.join('.') ?? '';
      if (issue?.code === 'unrecognized_keys') return refusal(400, `Unrecognized request argument supplied: ${issue.keys.join(', ')}`);
      return refusal(400, `Invalid value for '${param}': ${issue?.message ?? 'invalid'}`, 'invalid_value', param);
    }
    const schemaProblem = this.#schemaProblem(parsed.data);
    if (schemaProblem !== undefined) return refusal(400, schemaProblem, 'invalid_json_schema', 'response_format');
    return { ok: true, body: parsed.data };
  }

  #schemaProblem(body: ChatCompletionRequest): string | undefined {
    const format = body.response_format;
    if (format?.type !== 'json_schema' || format.json_schema.strict !== true) return undefined;
    const problems = strictSchemaProblems(format.json_schema.schema ?? {});
    return problems.length === 0 ? undefined : `Invalid schema for response_format '${format.json_schema.name}': ${problems.join('; ')}`;
  }

  #answer(res: ServerResponse, body: ChatCompletionRequest, index: number, reply: ScriptedReply): void {
    switch (reply.kind) {
      case 'timeout':
        return; // never answered: the client gives up, or close() destroys it
      case 'hang':
        if (!res.destroyed) this.#held.set(res, { body, index });
        return; // answered by release(); dropped when the client goes away
      case 'delay': {
        const timer = setTimeout(() => {
          this.#timers.delete(timer);
          this.#answer(res, body, index, reply.then);
        }, reply.ms);
        this.#timers.add(timer);
        return;
      }
      case 'error':
        this.#send(res, reply.status, errorBody(reply.status, reply.message, reply.code));
        return;
      case 'malformed':
        this.#pending.delete(res);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"id":"chatcmpl-broken","choices":[{"message":');
        return;
      case 'json': {
        const format = body.response_format;
        const problems = format?.type === 'json_schema' && reply.unchecked !== true ? valueProblems(format.json_schema.schema ?? {}, reply.value) : [];
        if (problems.length > 0) this.#send(res, 500, errorBody(500, `fake: the scripted JSON does not match the request's schema: ${problems.join('; ')}`));
        else this.#complete(res, body, reply);
        return;
      }
      case 'text':
      case 'tool_calls':
        this.#complete(res, body, reply);
        return;
    }
  }

  #complete(res: ServerResponse, body: ChatCompletionRequest, reply: Extract<ScriptedReply, { kind: 'text' | 'json' | 'tool_calls' }>): void {
    this.#completions += 1;
    const id = `chatcmpl-fake${this.#completions}`;
    const { message, finishReason } = messageOf(reply, String(this.#completions));
    const promptTokens = estimateTokens(body.messages.map(messageText).join('\n'));
    const completionTokens = estimateTokens(message.content ?? JSON.stringify(message.tool_calls ?? []));
    const usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens, prompt_tokens_details: { cached_tokens: 0 } };
    const base = { id, created: Math.floor(Date.now() / 1000), model: body.model };
    if (body.stream === true) {
      this.#pending.delete(res);
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const withUsage = body.stream_options?.include_usage === true ? usage : null;
      for (const chunk of streamChunks(base, message, finishReason, withUsage)) res.write(`data: ${JSON.stringify(chunk)}\n\n`);
      res.end('data: [DONE]\n\n');
      return;
    }
    this.#send(res, 200, { ...base, object: 'chat.completion', choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }], usage, system_fingerprint: 'fp_fake' });
  }
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > maxBodyBytes) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
