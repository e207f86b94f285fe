import { describe, expect, it } from 'vitest';
import { analyse, loadFixtureSamples, loadManifest, syntheticVoice } from '../testing/analysis-fixtures.ts';

function relativeError(measured: number | null, expected: number): number {
  return measured === null ? Infinity : Math.abs(measured / expected - 1);
}

describe('pitch accuracy', () => {
  it.each([
    [70, 8000, undefined],
    [100, 16000, undefined],
    [150, 16000, -35],
    [220, 44100, undefined],
    [300, 48000, -35],
    [380, 24000, undefined],
  ] as const)('median F0 of a synthetic glottal voice at %d Hz (%d Hz sampling, noise %s dBFS) is within 3%%', (f0, rate, noise) => {
    const voice = syntheticVoice({ sampleRateHz: rate, f0StartHz: f0, f0EndHz: f0 * 1.05, ...(noise === undefined ? {} : { noiseDbfs: noise }) });
    const report = analyse(voice.samples, { sampleRateHz: rate });
    expect(report.pitch.voicedFrames).toBeGreaterThan(80);
    expect(relativeError(report.pitch.medianHz, voice.medianF0Hz)).toBeLessThan(0.03);
  });

  it('flags a steady synthetic voice as monotone and a gliding one as not', () => {
    const steady = analyse(syntheticVoice({ sampleRateHz: 16000, f0StartHz: 120 }).samples, { sampleRateHz: 16000 });
    const gliding = analyse(syntheticVoice({ sampleRateHz: 16000, f0StartHz: 100, f0EndHz: 200 }).samples, { sampleRateHz: 16000 });
    expect(steady.pitch.monotone).toBe(true);
    expect(gliding.pitch.monotone).toBe(false);
    expect(gliding.pitch.variabilitySemitones).toBeGreaterThan(2.5);
  });

  // The reference is the sentence's own F0 measured in the frequency domain by the fixture script (a
  // harmonic-contrast estimator over 128 ms windows, nothing shared with YIN); the setting's steady-vowel
  // F0 is in the manifest too: English sentences sit within 1.6 % of it, French ones 3.5–5.5 % above it
  // (espeak-ng's French intonation), see docs/speech-analysis.md.
  const { pitch } = loadManifest();
  it.each(pitch.map((fixture) => [fixture.file, fixture] as const))('median F0 of espeak-ng speech %s is within 3%% of its measured F0', (_file, fixture) => {
    const report = analyse(loadFixtureSamples(fixture.file), { sampleRateHz: 16000, language: fixture.voice.startsWith('fr') ? 'fr' : 'en' });
    const error = relativeError(report.pitch.medianHz, fixture.sentenceHarmonicF0Hz);
    if (process.env.ANALYSIS_PRINT) {
      process.stderr.write(
        `${fixture.file} sentence ${fixture.sentenceHarmonicF0Hz} vowel ${fixture.expectedF0Hz} measured ${report.pitch.medianHz?.toFixed(2)} error ${(error * 100).toFixed(2)}% vs vowel ${(relativeError(report.pitch.medianHz, fixture.expectedF0Hz) * 100).toFixed(2)}%\n`,
      );
    }
    expect(error).toBeLessThan(0.03);
  });
});
