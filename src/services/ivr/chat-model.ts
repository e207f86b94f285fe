import type { Result } from '../../core/result.ts';

/** One message of a chat completion request. */
export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

export interface ChatRequest {
  readonly messages: readonly ChatMessage[];
  readonly maxTokens: number;
  readonly temperature: number;
  /** The whole request, retries included, must finish within this budget. */
  readonly timeoutMs: number;
}

/** Why a completion produced no text: expected outcomes, never thrown. */
export type ChatFailure =
  | { readonly kind: 'not_configured' }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'rate_limited' }
  | { readonly kind: 'provider'; readonly status: number | null; readonly message: string }
  | { readonly kind: 'empty' };

/**
 * The port the IVR asks for text through (a chat completion). The adapter over the `openai`
 * package is `OpenAiChatModel`; tests pass the fake upstream's URL to it or script this interface.
 */
export interface ChatModel {
  complete(request: ChatRequest): Promise<Result<string, ChatFailure>>;
}

/** A model that is not there (no `OPENAI_API_KEY`): every request fails as `not_configured`. */
export const missingChatModel: ChatModel = {
  complete: () => Promise.resolve({ ok: false, error: { kind: 'not_configured' } }),
};
