/** French filler rules (see fillers.ts). */

import type { TranscriptToken } from './transcript-tokens.ts';

const HESITATIONS: Readonly<Record<string, string>> = {
  euh: 'euh', euhh: 'euh', heu: 'euh', euuh: 'euh', hum: 'hum', hmm: 'hum', mmh: 'hum', bah: 'bah', hein: 'hein',
};

export function frenchFillerAt(tokens: readonly TranscriptToken[], i: number): { filler: string; length: number } | undefined {
  const token = tokens[i];
  if (!token) return undefined;
  const hesitation = HESITATIONS[token.text];
  if (hesitation) return { filler: hesitation, length: 1 };
  return undefined;
}
