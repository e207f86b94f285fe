import { z } from 'zod';

/**
 * zod shapes of the GA session and response configuration. Objects are strict: a beta leftover
 * (`input_audio_format`, `voice`, `turn_detection` or `modalities` at the top level, `temperature`,
 * a nested `function` wrapper in a tool) is an unknown parameter, exactly as the real API reports it.
 * No schema transforms or defaults: a successful parse means the raw JSON already has the SDK type's
 * shape, so handlers read the raw object through the SDK types.
 */

const custom = (code: string) => ({ params: { code } });

export const audioFormatSchema = z
  .strictObject({
    type: z.enum(['audio/pcm', 'audio/pcmu', 'audio/pcma']),
    rate: z.number().optional(),
  })
  .superRefine((format, ctx) => {
    if (format.rate === undefined) return;
    if (format.type !== 'audio/pcm') {
      ctx.addIssue({ code: 'custom', path: ['rate'], message: `Unknown parameter: 'rate' for '${format.type}'.`, ...custom('unknown_parameter') });
    } else if (format.rate !== 24_000) {
      ctx.addIssue({
        code: 'custom',
        path: ['rate'],
        message: `Invalid value: '${String(format.rate)}'. Supported values are: '24000'.`,
        ...custom('invalid_value'),
      });
    }
  });

const serverVadSchema = z.strictObject({
  type: z.literal('server_vad'),
  threshold: z.number().min(0).max(1).optional(),
  prefix_padding_ms: z.number().int().min(0).optional(),
  silence_duration_ms: z.number().int().min(0).optional(),
  idle_timeout_ms: z.number().int().min(0).nullable().optional(),
  create_response: z.boolean().optional(),
  interrupt_response: z.boolean().optional(),
});

const semanticVadSchema = z.strictObject({
  type: z.literal('semantic_vad'),
  eagerness: z.enum(['low', 'medium', 'high', 'auto']).optional(),
  create_response: z.boolean().optional(),
  interrupt_response: z.boolean().optional(),
});

export const turnDetectionSchema = z.discriminatedUnion('type', [serverVadSchema, semanticVadSchema]).nullable();

const transcriptionSchema = z.strictObject({
  model: z.string().min(1).optional(),
  language: z.string().optional(),
  prompt: z.string().optional(),
  delay: z.enum(['minimal', 'low', 'medium', 'high', 'xhigh']).optional(),
});

const noiseReductionSchema = z.strictObject({ type: z.enum(['near_field', 'far_field']).optional() });

const voiceSchema = z.union([z.string().min(1), z.strictObject({ id: z.string().min(1) })]);

const functionToolSchema = z.strictObject({
  type: z.literal('function'),
  name: z.string().min(1).max(64),
  description: z.string().optional(),
  parameters: z.record(z.string(), z.unknown()).optional(),
});

const mcpToolSchema = z.looseObject({ type: z.literal('mcp'), server_label: z.string().min(1) });

export const toolsSchema = z.array(z.discriminatedUnion('type', [functionToolSchema, mcpToolSchema]));

export const toolChoiceSchema = z.union([
  z.enum(['none', 'auto', 'required']),
  z.strictObject({ type: z.literal('function'), name: z.string().min(1) }),
  z.strictObject({ type: z.literal('mcp'), server_label: z.string().min(1), name: z.string().nullable().optional() }),
]);

export const maxOutputTokensSchema = z.union([z.number().int().min(1).max(4096), z.literal('inf')]);

export const outputModalitiesSchema = z.array(z.enum(['text', 'audio'])).superRefine((modalities, ctx) => {
  if (modalities.length === 1) return;
  ctx.addIssue({
    code: 'custom',
    message: `Invalid modalities: [${modalities.map((m) => `'${m}'`).join(', ')}]. Supported combinations are: ['text'] and ['audio'].`,
    ...custom('invalid_value'),
  });
});

const reasoningSchema = z.strictObject({ effort: z.enum(['minimal', 'low', 'medium', 'high', 'xhigh']).optional() });

const promptSchema = z
  .strictObject({ id: z.string().min(1), version: z.string().nullable().optional(), variables: z.record(z.string(), z.unknown()).nullable().optional() })
  .nullable();

export const sessionUpdateSchema = z.strictObject({
  type: z.enum(['realtime', 'transcription']),
  model: z.string().min(1).optional(),
  output_modalities: outputModalitiesSchema.optional(),
  instructions: z.string().optional(),
  audio: z
    .strictObject({
      input: z
        .strictObject({
          format: audioFormatSchema.optional(),
          noise_reduction: noiseReductionSchema.nullable().optional(),
          transcription: transcriptionSchema.nullable().optional(),
          turn_detection: turnDetectionSchema.optional(),
        })
        .optional(),
      output: z
        .strictObject({
          format: audioFormatSchema.optional(),
          voice: voiceSchema.optional(),
          speed: z.number().min(0.25).max(1.5).optional(),
        })
        .optional(),
    })
    .optional(),
  tools: toolsSchema.optional(),
  tool_choice: toolChoiceSchema.optional(),
  max_output_tokens: maxOutputTokensSchema.optional(),
  truncation: z
    .union([
      z.enum(['auto', 'disabled']),
      z.strictObject({
        type: z.literal('retention_ratio'),
        retention_ratio: z.number().min(0).max(1),
        token_limits: z.strictObject({ post_instructions: z.number().int().min(0).optional() }).optional(),
      }),
    ])
    .optional(),
  include: z.array(z.literal('item.input_audio_transcription.logprobs')).nullable().optional(),
  tracing: z
    .union([
      z.literal('auto'),
      z.strictObject({ workflow_name: z.string().optional(), group_id: z.string().optional(), metadata: z.unknown().optional() }),
    ])
    .nullable()
    .optional(),
  reasoning: reasoningSchema.optional(),
  parallel_tool_calls: z.boolean().optional(),
  prompt: promptSchema.optional(),
});

/** `response.create.response`: per-response overrides. Beta names (`modalities`, `voice`, `output_audio_format`) are unknown. */
export const responseParamsSchema = (itemSchema: z.ZodType) =>
  z.strictObject({
    instructions: z.string().optional(),
    output_modalities: outputModalitiesSchema.optional(),
    metadata: z
      .record(z.string().max(64), z.string().max(512))
      .refine((metadata) => Object.keys(metadata).length <= 16, { message: 'Metadata can have at most 16 keys.', params: { code: 'invalid_value' } })
      .nullable()
      .optional(),
    conversation: z.string().min(1).optional(),
    input: z.array(itemSchema).optional(),
    tools: toolsSchema.optional(),
    tool_choice: toolChoiceSchema.optional(),
    max_output_tokens: maxOutputTokensSchema.optional(),
    audio: z
      .strictObject({ output: z.strictObject({ format: audioFormatSchema.optional(), voice: voiceSchema.optional() }).optional() })
      .optional(),
    prompt: promptSchema.optional(),
    reasoning: reasoningSchema.optional(),
    parallel_tool_calls: z.boolean().optional(),
  });
