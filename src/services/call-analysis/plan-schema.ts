import { z } from 'zod';
import { analysisSinks, type AnalysisPlan } from '../../core/analysis-plan.ts';
import { compileJsonSchema, strictModeProblems } from './json-schema.ts';

const prompt = z.string().trim().min(1).max(20_000);
const count = z.number().int().min(0).max(100_000);

const extractionPlanSchema = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, '1-64 letters, digits, _ or -').optional(),
    schema: z.record(z.string(), z.unknown()).describe('A JSON Schema whose root is an object (draft-07, with ajv-formats formats)'),
    prompt: prompt.optional(),
    strict: z.boolean().optional().describe('Strict structured outputs; default: on when the schema allows it'),
  })
  .superRefine((extraction, ctx) => {
    if (extraction.schema.type !== 'object') {
      ctx.addIssue({ code: 'custom', path: ['schema', 'type'], message: 'the root of an extraction schema must be "type": "object"' });
      return;
    }
    const compiled = compileJsonSchema(extraction.schema);
    if (!compiled.ok) {
      ctx.addIssue({ code: 'custom', path: ['schema'], message: `invalid JSON Schema: ${compiled.message}` });
      return;
    }
    if (extraction.strict === true) {
      for (const problem of strictModeProblems(extraction.schema)) ctx.addIssue({ code: 'custom', path: ['schema'], message: `strict: true needs ${problem}` });
    }
  });

const evaluationPlanSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('pass_fail'), criteria: prompt }),
  z
    .strictObject({ type: z.literal('rubric'), criteria: prompt, min: z.number().int().min(-1000).max(1000), max: z.number().int().min(-1000).max(1000) })
    .refine((rubric) => rubric.min < rubric.max, { path: ['max'], message: 'must be greater than min' }),
]);

/**
 * The agent's analysis plan as the API accepts it (docs/analysis.md). The extraction's JSON Schema
 * is compiled here, when the agent is saved: an invalid schema is a 400 carrying ajv's message, never
 * a failure at the end of a call. `{}` means no analysis.
 */
export const analysisPlanSchema = z
  .strictObject({
    model: z.string().trim().min(1).max(128).optional().describe('Chat model; ANALYSIS_MODEL when absent'),
    summary: z.strictObject({ prompt: prompt.optional() }).optional().describe('A plain-text summary; {} uses the default prompt'),
    extraction: extractionPlanSchema.optional(),
    evaluation: evaluationPlanSchema.optional(),
    thresholds: z
      .strictObject({ minChars: count.optional(), minWords: count.optional(), minCallerWords: count.optional() })
      .optional()
      .describe('Skip calls under these sizes; defaults 50 characters, 10 words, 5 caller words'),
    sink: z.enum(analysisSinks).optional().describe('The domain that writes records from the extraction'),
  })
  .superRefine((plan, ctx) => {
    const empty = Object.values(plan).every((value) => value === undefined);
    if (!empty && plan.summary === undefined && plan.extraction === undefined && plan.evaluation === undefined) {
      ctx.addIssue({ code: 'custom', path: [], message: 'a plan needs a summary, an extraction or an evaluation ({} for no analysis)' });
    }
    if (plan.sink !== undefined && plan.extraction === undefined) {
      ctx.addIssue({ code: 'custom', path: ['sink'], message: 'a sink writes records from the extraction: add an extraction' });
    }
  })
  .describe('AnalysisPlan');

/** What the schema produces; a compile-time check keeps it a valid stored {@link AnalysisPlan}. */
export type ParsedAnalysisPlan = z.infer<typeof analysisPlanSchema>;
export const asAnalysisPlan = (plan: ParsedAnalysisPlan): AnalysisPlan => plan;
