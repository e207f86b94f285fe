import OpenAI from 'openai';
import { err, ok, type Result } from '../core/result.ts';
import type { CoachingModel, CoachingModelFailure, CoachingRequest } from './model-coaching.ts';

export interface OpenAiCoachingModelOptions {
  readonly apiKey: string;
  /** `OPENAI_BASE_URL`: OpenAI or any compatible server. */
  readonly baseUrl: string;
  /** `OPENAI_CHAT_MODEL`. */
  readonly model: string;
  /** One attempt within this; the rules answer otherwise. */
  readonly timeoutMs: number;
}

/** Chat Completions with structured output (`json_schema`, strict) through the official client. */
export class OpenAiCoachingModel implements CoachingModel {
  readonly #client: OpenAI;
  readonly #model: string;
  readonly #timeoutMs: number;

  constructor(options: OpenAiCoachingModelOptions) {
    this.#client = new OpenAI({ apiKey: options.apiKey, baseURL: options.baseUrl, maxRetries: 0 });
    this.#model = options.model;
    this.#timeoutMs = options.timeoutMs;
  }

  async complete(request: CoachingRequest): Promise<Result<string, CoachingModelFailure>> {
    try {
      const completion = await this.#client.chat.completions.create(
        {
          model: this.#model,
          messages: [
            { role: 'system', content: request.system },
            { role: 'user', content: request.user },
          ],
          response_format: { type: 'json_schema', json_schema: { name: request.schemaName, strict: true, schema: request.jsonSchema } },
          temperature: 0.4,
        },
        { timeout: this.#timeoutMs, maxRetries: 0 },
      );
      const choice = completion.choices[0];
      if (choice?.message.refusal) return err({ kind: 'failed', message: 'The model refused' });
      const content = choice?.message.content?.trim() ?? '';
      if (content === '') return err({ kind: 'invalid_output', message: 'The model answered nothing' });
      if (choice?.finish_reason === 'length') return err({ kind: 'invalid_output', message: 'The model answer was cut off' });
      return ok(content);
    } catch (error) {
      const status = error instanceof OpenAI.APIError && typeof error.status === 'number' ? ` (HTTP ${String(error.status)})` : '';
      return err({ kind: 'failed', message: `${error instanceof Error ? error.name : 'Error'}${status}` });
    }
  }
}
