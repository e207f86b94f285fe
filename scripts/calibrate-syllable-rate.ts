/**
 * Measures how many syllable nuclei the analyser finds per word, per language, on calibration texts
 * that the accuracy tests never see (they use EVALUATION_TEXTS of make-analysis-fixtures.ts). The
 * result is `nucleiPerWord` in src/analysis/language-profiles.ts. Needs espeak-ng and sox.
 * Run: `npx tsx scripts/calibrate-syllable-rate.ts`.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSpeechAnalyser } from '../src/analysis/speech-analyser.ts';
import { synthesise, trim } from './make-analysis-fixtures.ts';

const CALIBRATION_TEXTS = {
  en: [
    'the committee will publish its final report on friday',
    'remember to water the plants while i am away',
    'he drove across the country in an old red truck',
    'learning a language takes patience and daily practice',
    'our office moved to a larger building near the river',
    'the children laughed at the clown during the parade',
    'we need a better plan before we spend any more money',
    'this recipe uses butter sugar eggs and a little salt',
  ],
  fr: [
    'le comité publiera son rapport final vendredi matin',
    'pense à arroser les plantes pendant mon absence',
    'il a traversé le pays dans un vieux camion rouge',
    'apprendre une langue demande de la patience chaque jour',
    'nos bureaux ont déménagé près de la rivière',
    'les enfants ont ri devant le clown pendant le défilé',
    'il nous faut un meilleur plan avant de dépenser plus',
    'cette recette demande du beurre du sucre et des oeufs',
  ],
} as const;

const tmp = mkdtempSync(join(tmpdir(), 'syllable-calibration-'));
try {
  for (const language of ['en', 'fr'] as const) {
    const voice = language === 'en' ? 'en-us' : 'fr';
    const ratios: string[] = [];
    let nuclei = 0;
    let words = 0;
    for (const wpm of [120, 145, 170, 195, 220]) {
      let rateNuclei = 0;
      let rateWords = 0;
      for (const text of CALIBRATION_TEXTS[language]) {
        const samples = trim(synthesise(tmp, voice, ['-s', String(wpm)], text));
        const analyser = createSpeechAnalyser({ sampleRateHz: 16000, language });
        analyser.push(new Int16Array(4000));
        analyser.push(samples);
        analyser.push(new Int16Array(8000));
        rateNuclei += analyser.report().rate.syllableCount;
        rateWords += text.split(/\s+/).length;
      }
      ratios.push(`${wpm}: ${(rateNuclei / rateWords).toFixed(3)}`);
      nuclei += rateNuclei;
      words += rateWords;
    }
    console.log(`${language}: nuclei per word ${(nuclei / words).toFixed(3)} overall (${ratios.join(', ')})`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
