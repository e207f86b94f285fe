import { z } from 'zod';

export const maxCustomResponses = 100;
export const maxKeywordLength = 100;
export const maxResponseLength = 1000;

/**
 * Text as keyword matching sees it: accents removed (NFKD, combining marks dropped), lower case,
 * every run of non-letters and non-digits one space. "L'Hôtel, SVP!" → "l hotel svp".
 */
export function normaliseForMatching(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export const keywordSchema = z
  .string()
  .trim()
  .min(1)
  .max(maxKeywordLength)
  .refine((keyword) => normaliseForMatching(keyword) !== '', 'must contain a letter or a digit');
export const responseTextSchema = z.string().trim().min(1).max(maxResponseLength);

/** A keyword response: said instead of asking the model when the caller says `keyword`. */
export const customResponseSchema = z.strictObject({ id: z.uuid(), keyword: keywordSchema, response: responseTextSchema });
export type CustomResponse = z.infer<typeof customResponseSchema>;

export const customResponsesSchema = z
  .array(customResponseSchema)
  .max(maxCustomResponses)
  .superRefine((responses, ctx) => {
    const seen = new Set<string>();
    responses.forEach((r, index) => {
      const key = normaliseForMatching(r.keyword);
      if (seen.has(key)) ctx.addIssue({ code: 'custom', message: 'the same keyword appears twice', path: [index, 'keyword'] });
      seen.add(key);
    });
  });

/**
 * The response whose keyword the utterance contains as whole words, ignoring case and accents
 * ("hôtel" matches "Je cherche l'HOTEL", "tard" does not match "retard"). When several match, the
 * longest keyword wins (the most specific), then the first listed. The seed matched substrings.
 */
export function findKeywordResponse<T extends { readonly keyword: string }>(responses: readonly T[], utterance: string): T | undefined {
  const haystack = ` ${normaliseForMatching(utterance)} `;
  let best: T | undefined;
  let bestLength = 0;
  for (const candidate of responses) {
    const needle = normaliseForMatching(candidate.keyword);
    if (needle !== '' && needle.length > bestLength && haystack.includes(` ${needle} `)) {
      best = candidate;
      bestLength = needle.length;
    }
  }
  return best;
}
