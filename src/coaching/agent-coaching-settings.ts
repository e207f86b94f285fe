import { z } from 'zod';
import { coachingLanguages, type CoachingLanguage } from './types.ts';

/** An agent's `coaching` (docs/aura.md, "Coaching on live calls"): analyse the caller's speech on its calls. */
export const agentCoachingSchema = z
  .strictObject({
    enabled: z.boolean().default(false).describe('Analyse the caller’s speech on this agent’s calls and store a coaching report with each call'),
    language: z.enum(coachingLanguages).optional().describe('Expectations and messages: fr or en (default: the agent’s language when it is French, else English)'),
  })
  .describe('Speech coaching on live calls');

export interface AgentCoachingSettings {
  readonly enabled: boolean;
  readonly language: CoachingLanguage;
}

/** The settings of a stored agent or call snapshot; anything unreadable (older rows: `{}`) is "off". */
export function coachingSettingsOf(value: unknown, agentLanguage: string): AgentCoachingSettings {
  const parsed = agentCoachingSchema.safeParse(value ?? {});
  const fallback: CoachingLanguage = agentLanguage.toLowerCase().startsWith('fr') ? 'fr' : 'en';
  if (!parsed.success) return { enabled: false, language: fallback };
  return { enabled: parsed.data.enabled, language: parsed.data.language ?? fallback };
}
