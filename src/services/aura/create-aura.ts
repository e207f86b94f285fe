import type { Clock } from '../../core/clock.ts';
import type { Logger } from '../../core/logger.ts';
import type { CoachingModel } from '../../coaching/model-coaching.ts';
import { OpenAiCoachingModel } from '../../coaching/openai-coaching-model.ts';
import type { Database } from '../../store/database.ts';
import { AuraCoaching } from './aura-coaching.ts';
import { AuraSessions } from './aura-sessions.ts';

/** One attempt at model coaching within this; the rules answer otherwise. */
export const COACHING_MODEL_TIMEOUT_MS = 15_000;

export interface Aura {
  readonly sessions: AuraSessions;
  readonly coaching: AuraCoaching;
  readonly model: CoachingModel | undefined;
}

/** AURA's services; model coaching through Chat Completions when `OPENAI_API_KEY` is set. */
export function createAura(deps: { db: Database; clock: Clock; logger: Logger; openai: { apiKey: string | undefined; baseUrl: string; chatModel: string } }): Aura {
  const { apiKey, baseUrl, chatModel } = deps.openai;
  const model = apiKey === undefined ? undefined : new OpenAiCoachingModel({ apiKey, baseUrl, model: chatModel, timeoutMs: COACHING_MODEL_TIMEOUT_MS });
  const sessions = new AuraSessions({ db: deps.db, clock: deps.clock });
  const coaching = new AuraCoaching({ db: deps.db, clock: deps.clock, logger: deps.logger.child({ component: 'aura' }), sessions, model });
  return { sessions, coaching, model };
}
