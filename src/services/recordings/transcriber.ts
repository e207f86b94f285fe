/**
 * Re-transcription of a recording's channels: the port, and its OpenAI adapter
 * (`POST {OPENAI_BASE_URL}/audio/transcriptions`, `response_format: verbose_json`, word timestamps).
 */
import OpenAI, { toFile } from 'openai';
import { z } from 'zod';
import { AppError } from '../../core/errors.ts';
import type { RecordingWord } from '../../store/schema/recordings.ts';

/** What a transcription of one mono WAV returned. */
export interface ChannelTranscription {
  readonly text: string;
  readonly language: string | null;
  readonly durationS: number | null;
  readonly words: readonly RecordingWord[];
}

/**
 * Transcribes a mono WAV with word timings. Rejects with an `AppError`: retryable (`provider_*`) when
 * the provider may answer later, not retryable (`bad_request`) when it refused the request.
 */
export interface Transcriber {
  readonly model: string;
  transcribe(wav: Uint8Array, fileName: string, signal: AbortSignal): Promise<ChannelTranscription>;
}

/** The part of a `verbose_json` answer we use, checked at the boundary. */
const verboseTranscription = z.object({
  text: z.string(),
  language: z.string().nullish(),
  duration: z.number().nullish(),
  words: z.array(z.object({ word: z.string(), start: z.number(), end: z.number() })).nullish(),
});

export class OpenAiTranscriber implements Transcriber {
  readonly model: string;
  readonly #client: OpenAI;

  constructor(options: { readonly apiKey: string; readonly baseUrl: string; readonly model: string; readonly timeoutMs?: number }) {
    this.model = options.model;
    // Retries are the job queue's (with backoff), not the client's.
    this.#client = new OpenAI({ apiKey: options.apiKey, baseURL: options.baseUrl, maxRetries: 0, timeout: options.timeoutMs ?? 120_000 });
  }

  async transcribe(wav: Uint8Array, fileName: string, signal: AbortSignal): Promise<ChannelTranscription> {
    let answer: unknown;
    try {
      answer = await this.#client.audio.transcriptions.create(
        {
          file: await toFile(wav, fileName, { type: 'audio/wav' }),
          model: this.model,
          response_format: 'verbose_json',
          timestamp_granularities: ['word'],
        },
        { signal },
      );
    } catch (error) {
      throw providerError(error);
    }
    const parsed = verboseTranscription.safeParse(answer);
    if (!parsed.success) throw new AppError('provider_error', 'The transcription service answered in an unexpected shape', { cause: parsed.error });
    const { text, language, duration, words } = parsed.data;
    return {
      text,
      language: language ?? null,
      durationS: duration ?? null,
      words: (words ?? []).map((w) => ({ word: w.word, startS: w.start, endS: w.end })),
    };
  }
}

function providerError(error: unknown): AppError {
  if (error instanceof OpenAI.APIError && error.status !== undefined) {
    // 408, 429 and 5xx may pass later (retryable); any other 4xx will not (bad key, file refused): not retryable.
    const later = error.status === 408 || error.status === 429 || error.status >= 500;
    return new AppError(later ? 'provider_unavailable' : 'bad_request', `Transcription refused: HTTP ${error.status} ${error.message}`, { cause: error });
  }
  return new AppError('provider_unavailable', 'The transcription service could not be reached', { cause: error });
}
