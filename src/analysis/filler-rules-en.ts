/** English filler rules (see fillers.ts). */

import type { TranscriptToken } from './transcript-tokens.ts';

const HESITATIONS: Readonly<Record<string, string>> = {
  um: 'um', umm: 'um', ummm: 'um', uhm: 'um', hm: 'hmm', hmm: 'hmm', hmmm: 'hmm',
  uh: 'uh', uhh: 'uh', uhhh: 'uh', er: 'er', err: 'er', erm: 'erm', ehm: 'erm',
};

export function englishFillerAt(tokens: readonly TranscriptToken[], i: number): { filler: string; length: number } | undefined {
  const token = tokens[i];
  if (!token) return undefined;
  const hesitation = HESITATIONS[token.text];
  if (hesitation) return { filler: hesitation, length: 1 };
  return undefined;
}
