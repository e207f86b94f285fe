/**
 * The per-agent cap on a call's length: a spoken warning `warningBeforeEndS` before the end, then a
 * hard end at `maxDurationS` (Aero: warn at 4:45, end at 5:00). Timers come from the injected clock.
 */
import type { Clock } from '../core/clock.ts';

export interface DurationLimitSettings {
  readonly maxDurationS: number;
  /** 0 (or not less than `maxDurationS`) means no warning. */
  readonly warningBeforeEndS: number;
}

export interface DurationLimitHandlers {
  /** Time to warn the caller; `remainingS` seconds are left. */
  readonly onWarning: (remainingS: number) => void;
  readonly onLimit: () => void;
}

/** Starts both timers from now; the returned function cancels whichever has not fired. Idempotent. */
export function startDurationLimit(
  clock: Clock,
  settings: DurationLimitSettings,
  handlers: DurationLimitHandlers,
): () => void {
  const maxMs = Math.max(0, settings.maxDurationS) * 1000;
  const warningMs = settings.warningBeforeEndS * 1000;
  const cancels: (() => void)[] = [];
  if (warningMs > 0 && warningMs < maxMs) {
    cancels.push(
      clock.setTimer(maxMs - warningMs, () => {
        handlers.onWarning(settings.warningBeforeEndS);
      }),
    );
  }
  cancels.push(clock.setTimer(maxMs, handlers.onLimit));
  return () => {
    for (const cancel of cancels.splice(0)) cancel();
  };
}

/**
 * Instructions for the engine to speak the warning: the agent's own message when it has one, or a
 * polite notice of the remaining time.
 */
export function warningInstructions(message: string | null, remainingS: number, language: string): string {
  if (message !== null && message.trim() !== '') {
    return `The call is about to reach its time limit. Say this to the caller now, in the conversation's language (${language}), and nothing else: "${message.trim()}"`;
  }
  return `The call ends in about ${remainingS} seconds because of its time limit. Tell the caller briefly and politely, in the conversation's language (${language}), and say goodbye.`;
}
