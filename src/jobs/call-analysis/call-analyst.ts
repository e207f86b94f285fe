import OpenAI from 'openai';
import type { ChatCompletion, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { AnalysisPlan, EvaluationPlan, ExtractionPlan } from '../../core/analysis-plan.ts';
import { compileJsonSchema, describeSchemaErrors, strictModeProblems } from '../../services/call-analysis/json-schema.ts';
import type { AnalysisUsage } from '../../store/schema/call-analyses.ts';
import { JobFailure } from '../handler.ts';
import { defaultExtractionPrompt, defaultSummaryPrompt, evaluationPrompt, evaluationSchema, retryMessage, systemPrompt, transcriptMessage } from './prompts.ts';
import { providerFailure } from './provider-errors.ts';

export interface CallAnalystOptions {
  readonly apiKey: string;
  /** `OPENAI_BASE_URL`: OpenAI or any compatible server with structured outputs. */
  readonly baseUrl: string;
  /** `ANALYSIS_MODEL`, for plans that name none. */
  readonly defaultModel: string;
  readonly requestTimeoutMs: number;
}

/** What the model produced for one call; the extraction and evaluation fit their schemas. */
export interface AnalysisOutput {
  readonly model: string;
  readonly summary: string | null;
  readonly extraction: Record<string, unknown> | null;
  readonly evaluation: Record<string, unknown> | null;
  readonly usage: AnalysisUsage;
}

/** An answer that still did not fit its schema after the one retry: the job fails with these errors. */
export interface InvalidOutput {
  readonly part: 'extraction' | 'evaluation';
  readonly errors: readonly string[];
}

export type AnalysisResult = { readonly ok: true; readonly output: AnalysisOutput } | { readonly ok: false; readonly invalid: InvalidOutput };

interface StructuredRequest {
  readonly name: string;
  readonly schema: Record<string, unknown>;
  readonly strict: boolean;
  readonly messages: readonly ChatCompletionMessageParam[];
}

type Checked = { readonly ok: true; readonly value: Record<string, unknown> } | { readonly ok: false; readonly raw: string; readonly errors: string[] };

/**
 * Runs an analysis plan over a transcript with Chat Completions through the official `openai` client:
 * a plain-text summary, then the extraction and the evaluation as structured outputs
 * (`response_format: json_schema`). Each structured answer is validated with ajv; an invalid one is
 * sent back once with its validation errors, and a second invalid answer is the result (nothing else
 * is retried here). Provider errors are thrown as {@link JobFailure}s, retryable when transient; the
 * client never retries on its own, so the job queue's backoff is the only retry policy.
 */
export class CallAnalyst {
  readonly #client: OpenAI;
  readonly #options: CallAnalystOptions;

  constructor(options: CallAnalystOptions) {
    this.#options = options;
    this.#client = new OpenAI({ apiKey: options.apiKey, baseURL: options.baseUrl, maxRetries: 0, timeout: options.requestTimeoutMs });
  }

  async analyze(plan: AnalysisPlan, transcript: string, signal: AbortSignal): Promise<AnalysisResult> {
    const model = plan.model ?? this.#options.defaultModel;
    const usage = { requests: 0, promptTokens: 0, completionTokens: 0, totalTokens: 0 };
    const call = new ModelCalls(this.#client, this.#options, model, usage, signal);
    const summary = plan.summary === undefined ? null : await call.text(plan.summary.prompt ?? defaultSummaryPrompt, transcript);
    let extraction: Record<string, unknown> | null = null;
    if (plan.extraction !== undefined) {
      const checked = await call.structured(extractionRequest(plan.extraction, transcript), plan.extraction.schema);
      if (!checked.ok) return { ok: false, invalid: { part: 'extraction', errors: checked.errors } };
      extraction = checked.value;
    }
    let evaluation: Record<string, unknown> | null = null;
    if (plan.evaluation !== undefined) {
      const request = evaluationRequest(plan.evaluation, transcript);
      const checked = await call.structured(request, request.schema);
      if (!checked.ok) return { ok: false, invalid: { part: 'evaluation', errors: checked.errors } };
      evaluation = plan.evaluation.type === 'rubric' ? { type: 'rubric', min: plan.evaluation.min, max: plan.evaluation.max, ...checked.value } : { type: 'pass_fail', ...checked.value };
    }
    return { ok: true, output: { model, summary, extraction, evaluation, usage: { ...usage } } };
  }
}

function extractionRequest(plan: ExtractionPlan, transcript: string): StructuredRequest {
  return {
    name: plan.name ?? 'extraction',
    schema: plan.schema,
    strict: plan.strict ?? strictModeProblems(plan.schema).length === 0,
    messages: [
      { role: 'system', content: systemPrompt(plan.prompt ?? defaultExtractionPrompt) },
      { role: 'user', content: transcriptMessage(transcript) },
    ],
  };
}

function evaluationRequest(plan: EvaluationPlan, transcript: string): StructuredRequest {
  return {
    name: 'evaluation',
    schema: evaluationSchema(plan),
    strict: true,
    messages: [
      { role: 'system', content: systemPrompt(evaluationPrompt(plan)) },
      { role: 'user', content: transcriptMessage(transcript) },
    ],
  };
}

/** The requests of one analysis, adding up their usage. */
class ModelCalls {
  constructor(
    readonly client: OpenAI,
    readonly options: CallAnalystOptions,
    readonly model: string,
    readonly usage: { requests: number; promptTokens: number; completionTokens: number; totalTokens: number },
    readonly signal: AbortSignal,
  ) {}

  async text(prompt: string, transcript: string): Promise<string> {
    const completion = await this.#complete([
      { role: 'system', content: systemPrompt(prompt) },
      { role: 'user', content: transcriptMessage(transcript) },
    ]);
    const content = contentOf(completion).trim();
    if (content === '') throw new JobFailure('the model returned an empty summary', { retryable: true });
    return content;
  }

  /** One structured request, and one retry carrying the validation errors when the answer does not fit. */
  async structured(request: StructuredRequest, schema: Record<string, unknown>): Promise<Checked> {
    const compiled = compileJsonSchema(schema);
    if (!compiled.ok) throw new JobFailure(`the ${request.name} schema is invalid: ${compiled.message}`);
    const format = { type: 'json_schema' as const, json_schema: { name: request.name, schema: request.schema, strict: request.strict } };
    const check = (completion: ChatCompletion): Checked => {
      const raw = contentOf(completion);
      if (completion.choices[0]?.finish_reason === 'length') return { ok: false, raw, errors: ['(root) the answer was cut off at the token limit before the JSON ended'] };
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch {
        return { ok: false, raw, errors: ['(root) the answer is not valid JSON'] };
      }
      if (!compiled.validate(value)) return { ok: false, raw, errors: describeSchemaErrors(compiled.validate.errors) };
      return { ok: true, value: value as Record<string, unknown> };
    };
    const first = check(await this.#complete(request.messages, format));
    if (first.ok) return first;
    const retryMessages: ChatCompletionMessageParam[] = [
      ...request.messages,
      { role: 'assistant', content: first.raw },
      { role: 'user', content: retryMessage(first.errors) },
    ];
    return check(await this.#complete(retryMessages, format));
  }

  async #complete(
    messages: readonly ChatCompletionMessageParam[],
    responseFormat?: { type: 'json_schema'; json_schema: { name: string; schema: Record<string, unknown>; strict: boolean } },
  ): Promise<ChatCompletion> {
    let completion: ChatCompletion;
    try {
      completion = await this.client.chat.completions.create(
        { model: this.model, messages: [...messages], temperature: 0, ...(responseFormat === undefined ? {} : { response_format: responseFormat }) },
        { signal: this.signal, timeout: this.options.requestTimeoutMs, maxRetries: 0 },
      );
    } catch (error) {
      throw providerFailure(error, { baseUrl: this.options.baseUrl, timeoutMs: this.options.requestTimeoutMs });
    }
    this.usage.requests += 1;
    this.usage.promptTokens += completion.usage?.prompt_tokens ?? 0;
    this.usage.completionTokens += completion.usage?.completion_tokens ?? 0;
    this.usage.totalTokens += completion.usage?.total_tokens ?? 0;
    const refusal = completion.choices[0]?.message.refusal;
    if (typeof refusal === 'string' && refusal !== '') throw new JobFailure(`the model refused: ${refusal}`);
    return completion;
  }
}

function contentOf(completion: ChatCompletion): string {
  return completion.choices[0]?.message.content ?? '';
}
