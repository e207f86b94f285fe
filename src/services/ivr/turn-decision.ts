import { err, type Result } from '../../core/result.ts';
import type { Company } from '../companies/companies.ts';
import { findKeywordResponse } from '../companies/keyword-responses.ts';
import { ivrChatMessages, type ConversationTurn } from './chat-context.ts';
import type { ChatFailure, ChatModel, ChatRequest } from './chat-model.ts';
import type { IvrPhrases } from './phrases.ts';
import { asksForHuman, parseYesNo, transferClassifierMessages } from './transfer-intent.ts';

/** What the model is asked, and how long the caller may wait for it. */
export interface IvrModelOptions {
  /** Reply length cap (`max_tokens`); about 150 keeps a phone answer to a few sentences. */
  readonly maxTokens: number;
  readonly temperature: number;
  /** Budget of one reply; Twilio waits 15 s for the whole webhook. */
  readonly timeoutMs: number;
  /** Ask the model whether the caller wants a person when the words did not say so (transfer configured only). */
  readonly classifierEnabled: boolean;
  readonly classifierTimeoutMs: number;
}

/** What the transfer classifier said when it was asked and did not say yes (for the call's event log). */
export type ClassifierOutcome = 'not_asked' | 'no' | 'unclear' | `failed:${ChatFailure['kind']}`;

/** How a caller's utterance is answered. */
export type TurnDecision =
  | { readonly kind: 'transfer'; readonly via: 'words' | 'classifier' }
  | { readonly kind: 'answer'; readonly text: string; readonly source: 'keyword' | 'model'; readonly classifier: ClassifierOutcome }
  | { readonly kind: 'fallback'; readonly text: string; readonly failure: ChatFailure; readonly classifier: ClassifierOutcome };

export interface TurnInput {
  readonly company: Company;
  /** The caller's words, non-empty. */
  readonly utterance: string;
  /** The stored conversation, the current utterance last. */
  readonly transcript: readonly ConversationTurn[];
  readonly phrases: IvrPhrases;
  readonly model: ChatModel;
  readonly options: IvrModelOptions;
}

/** Whether the company can take a transfer (enabled, with a number). */
export function transferConfigured(company: Pick<Company, 'transferSettings'>): boolean {
  return company.transferSettings.enabled && company.transferSettings.phoneNumber !== null;
}

/** A model call that never rejects, even if an implementation of the port breaks its contract. */
function settled(model: ChatModel, request: ChatRequest): Promise<Result<string, ChatFailure>> {
  return model.complete(request).catch((error: unknown) => err({ kind: 'provider' as const, status: null, message: error instanceof Error ? error.message : String(error) }));
}

/**
 * Decides one turn, in the seed's order: a request for a person, then the company's keyword
 * responses, then the model. The transfer classifier (when enabled and a transfer is possible) runs
 * at the same time as the reply, so asking it costs no latency on the model path; its answer is read
 * with `parseYesNo`, and a failed or unclear answer means "no" (the seed transferred on every error).
 */
export async function decideTurn(input: TurnInput): Promise<TurnDecision> {
  const { company, utterance, options, model } = input;
  if (asksForHuman(input.phrases.humanRequest, utterance)) return { kind: 'transfer', via: 'words' };

  const classifier =
    options.classifierEnabled && transferConfigured(company)
      ? settled(model, { messages: transferClassifierMessages(utterance), maxTokens: 3, temperature: 0, timeoutMs: options.classifierTimeoutMs })
      : undefined;
  const keyword = findKeywordResponse(company.customResponses, utterance);
  const reply = keyword
    ? undefined
    : settled(model, {
        messages: ivrChatMessages(company, input.transcript, { transferAvailable: transferConfigured(company) }),
        maxTokens: options.maxTokens,
        temperature: options.temperature,
        timeoutMs: options.timeoutMs,
      });

  let outcome: ClassifierOutcome = 'not_asked';
  if (classifier) {
    const verdict = await classifier;
    const answer = verdict.ok ? parseYesNo(verdict.value) : undefined;
    if (answer === true) return { kind: 'transfer', via: 'classifier' };
    outcome = verdict.ok ? (answer === false ? 'no' : 'unclear') : `failed:${verdict.error.kind}`;
  }
  if (keyword) return { kind: 'answer', text: keyword.response, source: 'keyword', classifier: outcome };
  const result = await (reply ?? Promise.resolve(err<ChatFailure>({ kind: 'empty' })));
  if (result.ok) return { kind: 'answer', text: result.value, source: 'model', classifier: outcome };
  return { kind: 'fallback', text: input.phrases.llmFallback, failure: result.error, classifier: outcome };
}
