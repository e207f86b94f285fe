import OpenAI from 'openai';
import { err, ok, type Result } from '../../core/result.ts';
import type { ChatFailure, ChatModel, ChatRequest } from './chat-model.ts';

export interface OpenAiChatModelOptions {
  readonly apiKey: string;
  /** Any OpenAI-compatible endpoint (`OPENAI_BASE_URL`), e.g. `http://127.0.0.1:11434/v1`. */
  readonly baseUrl: string;
  /** `OPENAI_CHAT_MODEL`. */
  readonly model: string;
}

function failureOf(error: unknown): ChatFailure {
  if (error instanceof OpenAI.APIConnectionTimeoutError || error instanceof OpenAI.APIUserAbortError) return { kind: 'timeout' };
  if (error instanceof OpenAI.RateLimitError) return { kind: 'rate_limited' };
  if (error instanceof OpenAI.APIError) return { kind: 'provider', status: typeof error.status === 'number' ? error.status : null, message: error.message };
  return { kind: 'provider', status: null, message: error instanceof Error ? error.message : String(error) };
}

/**
 * Chat completions through the official `openai` package. No retries: a phone caller is waiting
 * and Twilio gives a webhook 15 s, so one attempt within `timeoutMs` is all there is, and a failure
 * is a value the IVR answers with a polite line.
 */
export class OpenAiChatModel implements ChatModel {
  readonly #client: OpenAI;
  readonly #model: string;

  constructor(options: OpenAiChatModelOptions) {
    this.#client = new OpenAI({ apiKey: options.apiKey, baseURL: options.baseUrl, maxRetries: 0 });
    this.#model = options.model;
  }

  async complete(request: ChatRequest): Promise<Result<string, ChatFailure>> {
    try {
      const completion = await this.#client.chat.completions.create(
        {
          model: this.#model,
          messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
          // max_tokens, not max_completion_tokens: every OpenAI-compatible server (Ollama, llama.cpp,
          // vLLM) reads it, and the chat models used here are not reasoning models.
          // eslint-disable-next-line @typescript-eslint/no-deprecated
          max_tokens: request.maxTokens,
          temperature: request.temperature,
        },
        { timeout: request.timeoutMs, maxRetries: 0, signal: AbortSignal.timeout(request.timeoutMs) },
      );
      const content = completion.choices[0]?.message.content?.trim() ?? '';
      return content === '' ? err({ kind: 'empty' }) : ok(content);
    } catch (error) {
      return err(failureOf(error));
    }
  }
}
