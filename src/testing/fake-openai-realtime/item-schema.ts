import { z } from 'zod';

/** Conversation items a client may create (`conversation.item.create`, `response.create.response.input`). */

const status = z.enum(['completed', 'incomplete', 'in_progress']).optional();

const contentPartSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('input_text'), text: z.string() }),
  z.strictObject({ type: z.literal('input_audio'), audio: z.string().optional(), transcript: z.string().nullable().optional() }),
  z.strictObject({ type: z.literal('input_image'), image_url: z.string().min(1), detail: z.enum(['auto', 'low', 'high']).optional() }),
  z.strictObject({ type: z.literal('output_text'), text: z.string() }),
  z.strictObject({ type: z.literal('output_audio'), audio: z.string().optional(), transcript: z.string().nullable().optional() }),
]);

const partsByRole = {
  user: ['input_text', 'input_audio', 'input_image'],
  system: ['input_text'],
  assistant: ['output_text', 'output_audio'],
} as const;

const messageSchema = z
  .strictObject({
    id: z.string().min(1).max(32).optional(),
    object: z.literal('realtime.item').optional(),
    type: z.literal('message'),
    role: z.enum(['user', 'assistant', 'system']),
    status,
    content: z.array(contentPartSchema),
  })
  .superRefine((message, ctx) => {
    const allowed: readonly string[] = partsByRole[message.role];
    message.content.forEach((part, index) => {
      if (allowed.includes(part.type)) return;
      const supported = allowed.map((type) => `'${type}'`).join(allowed.length > 2 ? ', ' : ' and ');
      ctx.addIssue({
        code: 'custom',
        path: ['content', index, 'type'],
        message: `Invalid value: '${part.type}'. Supported values are: ${supported}.`,
        params: { code: 'invalid_value' },
      });
    });
  });

const functionCallSchema = z.strictObject({
  id: z.string().min(1).max(32).optional(),
  object: z.literal('realtime.item').optional(),
  type: z.literal('function_call'),
  status,
  call_id: z.string().min(1).optional(),
  name: z.string().min(1),
  arguments: z.string(),
});

const functionCallOutputSchema = z.strictObject({
  id: z.string().min(1).max(32).optional(),
  object: z.literal('realtime.item').optional(),
  type: z.literal('function_call_output'),
  status,
  call_id: z.string().min(1),
  output: z.string(),
});

export const conversationItemSchema = z.discriminatedUnion('type', [messageSchema, functionCallSchema, functionCallOutputSchema]);

/** `response.create.response.input` additionally accepts references to existing items. */
export const responseInputItemSchema = z.discriminatedUnion('type', [
  messageSchema,
  functionCallSchema,
  functionCallOutputSchema,
  z.strictObject({ type: z.literal('item_reference'), id: z.string().min(1) }),
]);
