import type { AssistantReply, ReplyContext, ReplyFunction, ReplyOutput, TurnScript } from './types.ts';

/** Scripted user transcripts and assistant replies, consumed in order. */
export class TurnScriptQueue {
  readonly #userSays: string[] = [];
  readonly #replies: Array<AssistantReply | ReplyFunction> = [];

  append(script: TurnScript): void {
    this.#userSays.push(...(script.userSays ?? []));
    this.#replies.push(...(script.replies ?? []));
  }

  nextUserTranscript(): string | undefined {
    return this.#userSays.shift();
  }

  nextReply(): AssistantReply | ReplyFunction | undefined {
    return this.#replies.shift();
  }
}

/** Looks in each queue in turn (session first, then server) and falls back to `fallback`. */
export function takeReply(queues: readonly TurnScriptQueue[], context: ReplyContext, fallback: ReplyFunction): readonly ReplyOutput[] {
  for (const queue of queues) {
    const entry = queue.nextReply();
    if (entry !== undefined) return normaliseReply(typeof entry === 'function' ? entry(context) : entry);
  }
  return normaliseReply(fallback(context));
}

export function takeUserTranscript(queues: readonly TurnScriptQueue[], turnIndex: number, fallback: (turnIndex: number) => string): string {
  for (const queue of queues) {
    const entry = queue.nextUserTranscript();
    if (entry !== undefined) return entry;
  }
  return fallback(turnIndex);
}

function normaliseReply(reply: AssistantReply): readonly ReplyOutput[] {
  return isOutputList(reply) ? reply : [reply];
}

function isOutputList(reply: AssistantReply): reply is readonly ReplyOutput[] {
  return Array.isArray(reply);
}

/** Unscripted behaviour: speak about a tool result, echo the caller, or greet. */
export const defaultReply: ReplyFunction = (context) => {
  const last = context.lastItem;
  if (last?.type === 'function_call_output') return { type: 'message', text: `The tool returned: ${last.output}` };
  if (context.lastUserText !== null && context.lastUserText !== '') return { type: 'message', text: `You said: ${context.lastUserText}` };
  return { type: 'message', text: 'Hello! How can I help you today?' };
};

export const defaultUserTranscript = (turnIndex: number): string => `User turn ${String(turnIndex + 1)}.`;

/** Default audio length for a spoken reply: about 60 ms per character, at least 400 ms. */
export function defaultAudioMs(text: string): number {
  return Math.max(400, text.length * 60);
}
