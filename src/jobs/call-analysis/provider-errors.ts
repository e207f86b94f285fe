import OpenAI from 'openai';
import { JobFailure } from '../handler.ts';

/**
 * What a failed chat completion means for the analysis job: timeouts, connection errors, 408/409/429
 * and 5xx are transient (retried by the queue with backoff; the client itself never retries); other
 * refusals (400, 401, 403, 404: a bad model name, a revoked key) and an exhausted quota fail the job
 * at once with the provider's message. An abort from the job (timeout, shutdown) passes through.
 */
export function providerFailure(error: unknown, context: { readonly baseUrl: string; readonly timeoutMs: number }): unknown {
  if (error instanceof OpenAI.APIUserAbortError) return error;
  if (error instanceof OpenAI.APIConnectionTimeoutError) {
    return new JobFailure(`the model did not answer within ${String(context.timeoutMs)} ms`, { retryable: true, cause: error });
  }
  if (error instanceof OpenAI.APIConnectionError) {
    return new JobFailure(`could not reach the model provider at ${context.baseUrl}: ${error.message}`, { retryable: true, cause: error });
  }
  if (error instanceof OpenAI.APIError) {
    const status = typeof error.status === 'number' ? error.status : 0;
    // The client's message starts with the status ("404 The model …"): said once is enough.
    const message = `the model provider answered HTTP ${String(status)}: ${error.message.replace(/^\d{3}\s+/, '')}`;
    if (error.code === 'insufficient_quota') return new JobFailure(message, { retryable: false, cause: error });
    const transient = status === 408 || status === 409 || status === 429 || status >= 500 || status === 0;
    return new JobFailure(message, { retryable: transient, cause: error });
  }
  return error;
}
