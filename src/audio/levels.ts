/**
 * Signal levels of PCM16 audio. dBFS here is relative to full scale 32768: a full-scale square wave is
 * 0 dBFS and a full-scale sine about −3.01 dBFS. Silence (or an empty input) is −Infinity dBFS.
 */

const FULL_SCALE = 32768;

/** Root-mean-square of the samples in sample units (0 for an empty input). */
export function rms(samples: Int16Array): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i] ?? 0;
    sum += s * s;
  }
  return Math.sqrt(sum / samples.length);
}

/** RMS level in dBFS; −Infinity for silence. */
export function rmsDbfs(samples: Int16Array): number {
  return toDbfs(rms(samples));
}

/** Largest absolute sample value, 0–32768 (0 for an empty input). */
export function peak(samples: Int16Array): number {
  let max = 0;
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i] ?? 0;
    const magnitude = s < 0 ? -s : s;
    if (magnitude > max) max = magnitude;
  }
  return max;
}

/** Peak level in dBFS; −Infinity for silence. */
export function peakDbfs(samples: Int16Array): number {
  return toDbfs(peak(samples));
}

/** Converts a level in sample units (RMS or peak) to dBFS. */
export function toDbfs(level: number): number {
  return level <= 0 ? Number.NEGATIVE_INFINITY : 20 * Math.log10(level / FULL_SCALE);
}
