import { z } from 'zod';
import { agentTemplates } from '../../services/agent-templates.ts';
import { agentCoachingSchema } from '../../coaching/agent-coaching-settings.ts';
import { analysisPlanSchema } from '../../services/call-analysis/plan-schema.ts';
import type { AgentRow } from '../../store/schema/agents.ts';

export const agentIdParams = z.strictObject({ agentId: z.uuid() });

const toolSchema = z.strictObject({
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'letters, digits, _ or -, at most 64'),
  description: z.string().max(1024),
  parameters: z.record(z.string(), z.unknown()).describe('JSON Schema of the arguments'),
});

const jsonObject = z.record(z.string(), z.unknown());

/** Recording settings; sent whole (a missing `retentionDays` or `transcribe` takes its default). */
const recordingSchema = z
  .strictObject({
    enabled: z.boolean().describe('Record this agent’s calls: one stereo WAV per call, caller left, agent right'),
    retentionDays: z.number().int().min(1).max(3650).default(30).describe('Days a recording is kept, then deleted by the retention job'),
    transcribe: z.boolean().default(false).describe('Re-transcribe each recording with word timings after the call (needs OPENAI_API_KEY)'),
  })
  .describe('Call recording (docs/recordings.md)');

/** Editable fields; every one optional so the same shape serves create (over a template) and update. */
export const agentFieldsSchema = z.strictObject({
  name: z.string().trim().min(1).max(120).optional(),
  instructions: z.string().min(1).max(20_000).optional(),
  voice: z.string().min(1).max(64).optional(),
  language: z.string().min(2).max(35).optional().describe('BCP 47 tag, e.g. `en`, `fr-FR`'),
  engine: z
    .string()
    .trim()
    .min(1)
    .max(64)
    .optional()
    .describe('An engine this server implements (today `openai-realtime`); any other is refused with engine_not_available listing them'),
  engineOptions: jsonObject.optional(),
  tools: z.array(toolSchema).max(64).optional(),
  analysis: analysisPlanSchema.optional().describe('Post-call analysis (docs/analysis.md); {} for none'),
  coaching: agentCoachingSchema.optional(),
  maxDurationS: z.number().int().min(10).max(4 * 3600).optional(),
  warningBeforeEndS: z.number().int().min(0).max(600).optional(),
  warningMessage: z.string().max(1000).nullable().optional(),
  recording: recordingSchema.optional(),
});

export const createAgentBody = agentFieldsSchema.extend({
  template: z.enum(Object.keys(agentTemplates) as [keyof typeof agentTemplates]).default('assistant'),
  shared: z.boolean().default(false).describe('Admins only: make it a tenant-wide agent instead of your own'),
  isDefault: z.boolean().default(false).describe('Use it when a call names no agent (yours, or the tenant’s if shared)'),
});

export const agentSchema = z
  .object({
    id: z.uuid(),
    ownerUserId: z.uuid().nullable(),
    isDefault: z.boolean(),
    name: z.string(),
    instructions: z.string(),
    voice: z.string(),
    language: z.string(),
    engine: z.string(),
    engineOptions: jsonObject,
    tools: z.array(z.object({ name: z.string(), description: z.string(), parameters: jsonObject })),
    analysis: z.record(z.string(), z.unknown()).describe('The post-call analysis plan (docs/analysis.md)'),
    coaching: jsonObject,
    maxDurationS: z.number().int(),
    warningBeforeEndS: z.number().int(),
    warningMessage: z.string().nullable(),
    recording: z.object({ enabled: z.boolean(), retentionDays: z.number().int(), transcribe: z.boolean() }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .describe('Agent');

export function toAgentDto(row: AgentRow): z.infer<typeof agentSchema> {
  return {
    id: row.id,
    ownerUserId: row.ownerUserId,
    isDefault: row.isDefault,
    name: row.name,
    instructions: row.instructions,
    voice: row.voice,
    language: row.language,
    engine: row.engine,
    engineOptions: row.engineOptions,
    tools: row.tools,
    analysis: row.analysis,
    coaching: row.coaching,
    maxDurationS: row.maxDurationS,
    warningBeforeEndS: row.warningBeforeEndS,
    warningMessage: row.warningMessage,
    recording: row.recording,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
