import type { ConversationItem, RealtimeError, RealtimeResponseCreateParams } from 'openai/resources/realtime/realtime';
import type { InputTokenEstimate } from './conversation.ts';
import { realtimeErrors } from './errors.ts';
import { ResponseRunner, type CancelReason, type ResponseHost } from './response-runner.ts';
import { takeReply } from './script.ts';
import { normaliseFormat, voiceKey } from './session-config.ts';
import type { SessionCore } from './session-core.ts';
import type { ReplyContext } from './types.ts';

/**
 * The responses of one session. At most one response writes to the default conversation at a time
 * (a second `response.create` is an error, as in the real API); out-of-band responses
 * (`conversation: "none"`) run beside it. A VAD turn that commits while a response is still running
 * (with `interrupt_response: false`) gets its automatic response when that one finishes.
 */
export class ResponseManager {
  readonly #core: SessionCore;
  readonly #outOfBand = new Set<ResponseRunner>();
  #active: ResponseRunner | null = null;
  #pendingAuto = false;
  #count = 0;
  #previousInput: InputTokenEstimate | null = null;
  #cacheBusted = false;

  constructor(core: SessionCore) {
    this.#core = core;
  }

  get activeId(): string | null {
    return this.#active?.id ?? null;
  }

  /** Truncating, deleting or changing instructions invalidates the prompt cache, as in the real API. */
  bustCache(): void {
    this.#cacheBusted = true;
  }

  /** `response.create` from the client. */
  create(params: RealtimeResponseCreateParams | undefined): RealtimeError | null {
    return this.#start('client', params, undefined);
  }

  /**
   * The automatic response after a VAD turn. Returns `false` when it had to wait for the running
   * response, in which case `afterCreated` is not called.
   */
  requestAuto(afterCreated: () => void): boolean {
    if (this.#active !== null) {
      this.#pendingAuto = true;
      return false;
    }
    this.#start('vad', undefined, afterCreated);
    return true;
  }

  /** `response.cancel`: the active response, or the one named. */
  cancel(responseId: string | undefined): RealtimeError | null {
    const target =
      responseId === undefined ? this.#active : [this.#active, ...this.#outOfBand].find((runner) => runner?.id === responseId) ?? null;
    if (target === null || target.status !== 'in_progress') return realtimeErrors.cancelNotActive();
    target.cancel('client_cancelled');
    return null;
  }

  /** Barge-in: speech started while responses were running. */
  interrupt(reason: CancelReason): void {
    this.#pendingAuto = false;
    for (const runner of [this.#active, ...this.#outOfBand]) runner?.cancel(reason);
  }

  /** The socket is gone: stop everything without sending. */
  dispose(): void {
    this.#pendingAuto = false;
    for (const runner of [this.#active, ...this.#outOfBand]) runner?.abort();
    this.#active = null;
    this.#outOfBand.clear();
  }

  #start(trigger: 'vad' | 'client', params: RealtimeResponseCreateParams | undefined, afterCreated: (() => void) | undefined): RealtimeError | null {
    const core = this.#core;
    const config = core.config;
    const inConversation = params?.conversation !== 'none';
    if (inConversation && this.#active !== null) return realtimeErrors.activeResponse(this.#active.id);
    const voice = params?.audio?.output?.voice ?? config.audio.output.voice;
    if (inConversation && voiceKey(voice) !== voiceKey(config.audio.output.voice) && core.conversation.hasAssistantAudio) {
      return realtimeErrors.cannotUpdateVoice();
    }
    const instructions = params?.instructions ?? config.instructions;
    const metadata = params?.metadata ?? null;
    const items = core.conversation.items;
    const context: ReplyContext = {
      sessionId: core.id,
      responseIndex: this.#count,
      trigger,
      lastUserText: lastUserText(items),
      lastItem: items.at(-1) ?? null,
      instructions,
      metadata,
      conversation: items,
    };
    const outputs = takeReply(core.scripts, context, core.options.defaultReply);
    const input = core.conversation.estimateInput(instructions, JSON.stringify(params?.tools ?? config.tools));
    const runner = new ResponseRunner(this.#host(), {
      outputs,
      modalities: params?.output_modalities ?? config.output_modalities,
      outputFormat: params?.audio?.output?.format === undefined ? config.audio.output.format : normaliseFormat(params.audio.output.format),
      voice: typeof voice === 'string' ? voice : voice.id,
      inConversation,
      metadata,
      maxOutputTokens: params?.max_output_tokens ?? config.max_output_tokens,
      input,
      cached: this.#cached(input),
    });
    this.#count += 1;
    if (inConversation) this.#active = runner;
    else this.#outOfBand.add(runner);
    runner.start(afterCreated);
    return null;
  }

  #cached(input: InputTokenEstimate): InputTokenEstimate {
    const previous = this.#cacheBusted ? null : this.#previousInput;
    this.#previousInput = input;
    this.#cacheBusted = false;
    if (previous === null) return { textTokens: 0, audioTokens: 0 };
    return { textTokens: Math.min(previous.textTokens, input.textTokens), audioTokens: Math.min(previous.audioTokens, input.audioTokens) };
  }

  #host(): ResponseHost {
    const core = this.#core;
    return {
      send: (event) => {
        core.send(event);
      },
      conversation: core.conversation,
      clock: core.options.clock,
      pacing: core.options.pacing,
      finished: (runner) => {
        this.#outOfBand.delete(runner);
        if (this.#active !== runner) return;
        this.#active = null;
        if (this.#pendingAuto) {
          this.#pendingAuto = false;
          this.#start('vad', undefined, undefined);
        }
      },
    };
  }
}

/** Text or transcript of the latest user message. */
export function lastUserText(items: readonly ConversationItem[]): string | null {
  for (let index = items.length - 1; index >= 0; index -= 1) {
    const item = items[index];
    if (item?.type !== 'message' || item.role !== 'user') continue;
    const texts = item.content.map((part) => part.text ?? part.transcript ?? '').filter((text) => text !== '');
    return texts.join(' ');
  }
  return null;
}
