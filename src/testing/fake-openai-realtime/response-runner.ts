import type { ConversationItem, RealtimeAudioFormats, RealtimeResponse, RealtimeResponseUsage } from 'openai/resources/realtime/realtime';
import type { Clock } from '../../core/clock.ts';
import { bytesToMs, encodeFromPcm24k, formatType, msToBytes, tonePcm } from './audio.ts';
import { textTokens, tokenRates, type Conversation, type InputTokenEstimate } from './conversation.ts';
import { fakeId } from './ids.ts';
import { defaultAudioMs } from './script.ts';
import type { OutgoingServerEvent, ReplyOutput } from './types.ts';

export interface Pacing {
  readonly speedFactor: number;
  readonly firstDeltaDelayMs: number;
  readonly chunkMs: number;
}

export interface ResponsePlan {
  readonly outputs: readonly ReplyOutput[];
  readonly modalities: ReadonlyArray<'text' | 'audio'>;
  readonly outputFormat: RealtimeAudioFormats;
  readonly voice: string;
  /** `false` for `conversation: "none"`: the items never join the default conversation. */
  readonly inConversation: boolean;
  readonly metadata: Readonly<Record<string, string>> | null;
  readonly maxOutputTokens: number | 'inf';
  readonly input: InputTokenEstimate;
  readonly cached: InputTokenEstimate;
}

export interface ResponseHost {
  send(event: OutgoingServerEvent): void;
  readonly conversation: Conversation;
  readonly clock: Clock;
  readonly pacing: Pacing;
  finished(runner: ResponseRunner): void;
}

export type CancelReason = 'turn_detected' | 'client_cancelled';

/** The output item being generated, with what has been sent of it so far. */
interface OpenOutput {
  readonly outputIndex: number;
  readonly kind: 'audio' | 'text' | 'function_call';
  readonly item: ConversationItem;
  readonly previousItemId: string | null;
  partOpen: boolean;
  sentText: string;
}

const textDeltaMs = 40;
const argumentsChunkChars = 24;

/**
 * Streams one response as the GA server does: `response.created`, `rate_limits.updated`, then per
 * output item `response.output_item.added` → `conversation.item.added` → `response.content_part.added`
 * → deltas → `.done` events → `response.output_item.done` → `conversation.item.done`, and finally
 * `response.done` with usage. Deltas are paced on the host clock; `cancel` closes whatever is open
 * with `.done` events (item status `incomplete`) and ends with `response.done` status `cancelled`.
 */
export class ResponseRunner {
  readonly id = fakeId('resp');
  readonly #host: ResponseHost;
  readonly #plan: ResponsePlan;
  readonly #finishedItems: ConversationItem[] = [];
  #status: 'in_progress' | 'completed' | 'cancelled' = 'in_progress';
  #current: OpenOutput | null = null;
  #steps: Generator<number, void, undefined> | null = null;
  #cancelTimer: (() => void) | null = null;
  #stepping = false;
  #pendingCancel: CancelReason | null = null;
  #outTextTokens = 0;
  #outAudioMs = 0;
  #firstDeltaSent = false;

  constructor(host: ResponseHost, plan: ResponsePlan) {
    this.#host = host;
    this.#plan = plan;
  }

  get status(): 'in_progress' | 'completed' | 'cancelled' {
    return this.#status;
  }

  get inConversation(): boolean {
    return this.#plan.inConversation;
  }

  /**
   * Sends `response.created` and `rate_limits.updated` now, runs `afterCreated` (e.g. a late input
   * transcription), then the rest on the pacing schedule.
   */
  start(afterCreated?: () => void): void {
    this.#host.send({ type: 'response.created', response: this.#envelope([]) });
    const reserved = this.#plan.input.textTokens + this.#plan.input.audioTokens + 4096;
    this.#host.send({
      type: 'rate_limits.updated',
      rate_limits: [
        { name: 'requests', limit: 10_000, remaining: 9_999, reset_seconds: 0.006 },
        { name: 'tokens', limit: 2_000_000, remaining: 2_000_000 - reserved, reset_seconds: 0.12 },
      ],
    });
    afterCreated?.();
    this.#steps = this.#generate();
    this.#advance();
  }

  /** Stops silently (the socket is gone): no events, no callbacks. */
  abort(): void {
    if (this.#status !== 'in_progress') return;
    this.#status = 'cancelled';
    this.#cancelTimer?.();
    this.#cancelTimer = null;
    if (!this.#stepping) this.#steps?.return();
  }

  cancel(reason: CancelReason): void {
    if (this.#status !== 'in_progress') return;
    if (this.#stepping) {
      this.#pendingCancel = reason;
      return;
    }
    this.#cancelTimer?.();
    this.#cancelTimer = null;
    this.#steps?.return();
    if (this.#current !== null) this.#closeOutput('incomplete');
    this.#finish('cancelled', reason);
  }

  #advance(): void {
    this.#cancelTimer = null;
    const steps = this.#steps;
    if (steps === null || this.#status !== 'in_progress') return;
    for (;;) {
      this.#stepping = true;
      const step = steps.next();
      this.#stepping = false;
      if (this.#pendingCancel !== null) {
        this.cancel(this.#pendingCancel);
        return;
      }
      if (step.done === true) {
        this.#finish('completed', null);
        return;
      }
      if (step.value > 0) {
        this.#cancelTimer = this.#host.clock.setTimer(Math.ceil(step.value), () => {
          this.#advance();
        });
        return;
      }
    }
  }

  *#generate(): Generator<number, void, undefined> {
    const audio = this.#plan.modalities.includes('audio');
    for (const [outputIndex, output] of this.#plan.outputs.entries()) {
      if (output.type === 'function_call') {
        yield* this.#functionCall(output, outputIndex);
      } else if (audio) {
        yield* this.#audioMessage(output, outputIndex);
      } else {
        yield* this.#textMessage(output, outputIndex);
      }
    }
  }

  *#audioMessage(output: Extract<ReplyOutput, { type: 'message' }>, outputIndex: number): Generator<number, void, undefined> {
    const open = this.#openItem(outputIndex, 'audio', { type: 'message', role: 'assistant', content: [] });
    this.#send({ type: 'response.content_part.added', ...this.#where(open), part: { type: 'audio', transcript: '' } });
    open.partOpen = true;
    yield this.#firstDeltaDelay();
    const type = formatType(this.#plan.outputFormat);
    const pcm = output.pcm24k ?? tonePcm(output.audioMs ?? defaultAudioMs(output.text), 24_000);
    const bytes = encodeFromPcm24k(pcm, type);
    const chunkBytes = Math.max(msToBytes(this.#host.pacing.chunkMs, type), type === 'audio/pcm' ? 2 : 1);
    const chunkCount = Math.max(1, Math.ceil(bytes.length / chunkBytes));
    const words = output.text.split(/\s+/).filter((word) => word !== '');
    let wordsSent = 0;
    let audioMs = 0;
    for (let chunk = 0; chunk < chunkCount; chunk += 1) {
      const slice = bytes.subarray(chunk * chunkBytes, (chunk + 1) * chunkBytes);
      const sliceMs = bytesToMs(slice.length, type);
      this.#send({ type: 'response.output_audio.delta', ...this.#where(open), delta: slice.toString('base64') });
      audioMs += sliceMs;
      this.#outAudioMs += sliceMs;
      if (this.#plan.inConversation) this.#host.conversation.setAudioMs(open.item.id ?? '', Math.floor(audioMs));
      const wordTarget = Math.ceil(((chunk + 1) / chunkCount) * words.length);
      if (wordTarget > wordsSent) {
        const delta = (wordsSent === 0 ? '' : ' ') + words.slice(wordsSent, wordTarget).join(' ');
        wordsSent = wordTarget;
        open.sentText += delta;
        this.#send({ type: 'response.output_audio_transcript.delta', ...this.#where(open), delta });
      }
      yield this.#paced(sliceMs);
    }
    this.#closeOutput('completed');
  }

  *#textMessage(output: Extract<ReplyOutput, { type: 'message' }>, outputIndex: number): Generator<number, void, undefined> {
    const open = this.#openItem(outputIndex, 'text', { type: 'message', role: 'assistant', content: [] });
    this.#send({ type: 'response.content_part.added', ...this.#where(open), part: { type: 'text', text: '' } });
    open.partOpen = true;
    yield this.#firstDeltaDelay();
    const words = output.text.split(/\s+/).filter((word) => word !== '');
    for (const [index, word] of words.entries()) {
      const delta = index === 0 ? word : ` ${word}`;
      open.sentText += delta;
      this.#send({ type: 'response.output_text.delta', ...this.#where(open), delta });
      yield this.#paced(textDeltaMs);
    }
    this.#closeOutput('completed');
  }

  *#functionCall(output: Extract<ReplyOutput, { type: 'function_call' }>, outputIndex: number): Generator<number, void, undefined> {
    const callId = output.callId ?? fakeId('call');
    const args = typeof output.arguments === 'string' ? output.arguments : JSON.stringify(output.arguments);
    const open = this.#openItem(outputIndex, 'function_call', { type: 'function_call', name: output.name, call_id: callId, arguments: '' });
    yield this.#firstDeltaDelay();
    for (let offset = 0; offset < args.length; offset += argumentsChunkChars) {
      const delta = args.slice(offset, offset + argumentsChunkChars);
      open.sentText += delta;
      this.#send({ type: 'response.function_call_arguments.delta', response_id: this.id, item_id: open.item.id ?? '', output_index: outputIndex, call_id: callId, delta });
      yield this.#paced(textDeltaMs);
    }
    this.#closeOutput('completed');
  }

  #openItem(outputIndex: number, kind: OpenOutput['kind'], body: ConversationItem): OpenOutput {
    const item = { ...body, id: fakeId('item'), object: 'realtime.item', status: 'in_progress' } as ConversationItem;
    this.#send({ type: 'response.output_item.added', response_id: this.id, output_index: outputIndex, item });
    let previousItemId: string | null = null;
    if (this.#plan.inConversation) {
      previousItemId = this.#host.conversation.insert(item);
      this.#send({ type: 'conversation.item.added', item, previous_item_id: previousItemId });
    }
    const open: OpenOutput = { outputIndex, kind, item, previousItemId, partOpen: false, sentText: '' };
    this.#current = open;
    return open;
  }

  /** Sends the `.done` events for the open item; `incomplete` when a cancel cut it short. */
  #closeOutput(status: 'completed' | 'incomplete'): void {
    const open = this.#current;
    if (open === null) return;
    this.#current = null;
    const text = open.sentText;
    let item: ConversationItem;
    if (open.kind === 'function_call') {
      const call = open.item as Extract<ConversationItem, { type: 'function_call' }>;
      this.#send({ type: 'response.function_call_arguments.done', response_id: this.id, item_id: call.id ?? '', output_index: open.outputIndex, call_id: call.call_id ?? '', name: call.name, arguments: text });
      item = { ...call, status, arguments: text };
    } else {
      const audio = open.kind === 'audio';
      if (open.partOpen && audio) {
        this.#send({ type: 'response.output_audio.done', ...this.#where(open) });
        this.#send({ type: 'response.output_audio_transcript.done', ...this.#where(open), transcript: text });
        this.#send({ type: 'response.content_part.done', ...this.#where(open), part: { type: 'audio', transcript: text } });
      } else if (open.partOpen) {
        this.#send({ type: 'response.output_text.done', ...this.#where(open), text });
        this.#send({ type: 'response.content_part.done', ...this.#where(open), part: { type: 'text', text } });
      }
      const content = !open.partOpen ? [] : audio ? [{ type: 'output_audio' as const, transcript: text }] : [{ type: 'output_text' as const, text }];
      item = { ...(open.item as Extract<ConversationItem, { role: 'assistant' }>), status, content };
    }
    this.#outTextTokens += textTokens(text);
    this.#send({ type: 'response.output_item.done', response_id: this.id, output_index: open.outputIndex, item });
    if (this.#plan.inConversation) {
      this.#host.conversation.replace(item);
      this.#send({ type: 'conversation.item.done', item, previous_item_id: open.previousItemId });
    }
    this.#finishedItems.push(item);
  }

  #finish(status: 'completed' | 'cancelled', reason: CancelReason | null): void {
    this.#status = status;
    const response = this.#envelope(this.#finishedItems);
    this.#send({
      type: 'response.done',
      response: {
        ...response,
        status,
        ...(reason === null ? {} : { status_details: { type: 'cancelled', reason } }),
        usage: this.#usage(),
      },
    });
    this.#host.finished(this);
  }

  #envelope(output: ConversationItem[]): RealtimeResponse {
    return {
      id: this.id,
      object: 'realtime.response',
      status: 'in_progress',
      output: [...output],
      ...(this.#plan.inConversation ? { conversation_id: this.#host.conversation.id } : {}),
      output_modalities: [...this.#plan.modalities],
      max_output_tokens: this.#plan.maxOutputTokens,
      audio: { output: { format: this.#plan.outputFormat, voice: this.#plan.voice } },
      metadata: this.#plan.metadata === null ? null : { ...this.#plan.metadata },
    };
  }

  #usage(): RealtimeResponseUsage {
    const { input, cached } = this.#plan;
    const outAudio = Math.round((this.#outAudioMs / 1000) * tokenRates.assistantAudioTokensPerS);
    const inputTokens = input.textTokens + input.audioTokens;
    const outputTokens = this.#outTextTokens + outAudio;
    return {
      total_tokens: inputTokens + outputTokens,
      input_tokens: inputTokens,
      output_tokens: outputTokens,
      input_token_details: {
        text_tokens: input.textTokens,
        audio_tokens: input.audioTokens,
        image_tokens: 0,
        cached_tokens: cached.textTokens + cached.audioTokens,
        cached_tokens_details: { text_tokens: cached.textTokens, audio_tokens: cached.audioTokens, image_tokens: 0 },
      },
      output_token_details: { text_tokens: this.#outTextTokens, audio_tokens: outAudio },
    };
  }

  #where(open: OpenOutput): { response_id: string; item_id: string; output_index: number; content_index: number } {
    return { response_id: this.id, item_id: open.item.id ?? '', output_index: open.outputIndex, content_index: 0 };
  }

  #paced(audioMs: number): number {
    const speed = this.#host.pacing.speedFactor;
    return Number.isFinite(speed) && speed > 0 ? audioMs / speed : 0;
  }

  #firstDeltaDelay(): number {
    if (this.#firstDeltaSent) return 0;
    this.#firstDeltaSent = true;
    return this.#host.pacing.firstDeltaDelayMs;
  }

  #send(event: OutgoingServerEvent): void {
    this.#host.send(event);
  }
}
