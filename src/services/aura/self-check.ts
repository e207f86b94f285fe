/**
 * The checks behind `GET /api/v1/test` (docs/aura.md): the speech analyser run on a synthetic voice of
 * known F0, and the upload decoder run on a WAV of it. Pure computation, in process, no network.
 */
import { createSpeechAnalyser } from '../../analysis/speech-analyser.ts';
import { encodeWav } from '../../audio/wav.ts';
import { ANALYSIS_RATE_HZ, decodeUpload } from './audio-upload.ts';

/** The synthetic voice's fundamental, Hz. */
export const SELF_CHECK_F0_HZ = 150;
/** The measured median may be this far off the known F0 (5 %, under a semitone). */
const PITCH_TOLERANCE = 0.05;

/**
 * One second of a steady voiced vowel at 16 kHz between 200 ms silences: the first eight harmonics of
 * {@link SELF_CHECK_F0_HZ} falling 6 dB an octave, raised-cosine edges, peak about −10 dBFS.
 */
export function selfCheckSignal(): Int16Array {
  const rate = ANALYSIS_RATE_HZ;
  const gap = Math.round(0.2 * rate);
  const voiced = rate;
  const edge = Math.round(0.03 * rate);
  const samples = new Int16Array(2 * gap + voiced);
  const raw = new Float64Array(voiced);
  let max = 0;
  for (let n = 0; n < voiced; n++) {
    let v = 0;
    for (let h = 1; h <= 8; h++) v += Math.sin((2 * Math.PI * h * SELF_CHECK_F0_HZ * n) / rate) / h;
    const ramp = Math.min(1, n / edge, (voiced - 1 - n) / edge);
    raw[n] = v * (0.5 - 0.5 * Math.cos(Math.PI * ramp));
    max = Math.max(max, Math.abs(raw[n] ?? 0));
  }
  const gain = (0.316 * 32767) / (max || 1);
  for (let n = 0; n < voiced; n++) samples[gap + n] = Math.round((raw[n] ?? 0) * gain);
  return samples;
}

export interface AnalyserCheck {
  readonly ok: boolean;
  readonly expected_f0_hz: number;
  readonly measured_f0_hz: number | null;
  readonly error_percent: number | null;
  readonly voiced_frames: number;
  readonly speaking_ms: number;
  readonly elapsed_ms: number;
  readonly error?: string;
}

/** Runs a fresh analyser over {@link selfCheckSignal} and compares its median pitch with the known F0. Never throws. */
export function checkAnalyser(): AnalyserCheck {
  const started = performance.now();
  const base = { expected_f0_hz: SELF_CHECK_F0_HZ, measured_f0_hz: null, error_percent: null, voiced_frames: 0, speaking_ms: 0 };
  try {
    const analyser = createSpeechAnalyser({ sampleRateHz: ANALYSIS_RATE_HZ, language: 'en' });
    const signal = selfCheckSignal();
    for (let at = 0; at < signal.length; at += 1600) analyser.push(signal.subarray(at, at + 1600));
    const report = analyser.report();
    const measured = report.pitch.medianHz;
    const error = measured === null ? null : Math.abs(measured - SELF_CHECK_F0_HZ) / SELF_CHECK_F0_HZ;
    return {
      ok: error !== null && error <= PITCH_TOLERANCE,
      expected_f0_hz: SELF_CHECK_F0_HZ,
      measured_f0_hz: measured === null ? null : Math.round(measured * 10) / 10,
      error_percent: error === null ? null : Math.round(error * 1000) / 10,
      voiced_frames: report.pitch.voicedFrames,
      speaking_ms: Math.round(report.voiceActivity.speakingMs),
      elapsed_ms: Math.round((performance.now() - started) * 10) / 10,
    };
  } catch (failure) {
    return { ...base, ok: false, elapsed_ms: Math.round((performance.now() - started) * 10) / 10, error: failure instanceof Error ? failure.message : String(failure) };
  }
}

export interface DecoderCheck {
  readonly ok: boolean;
  readonly format: 'wav';
  readonly decoded_samples: number;
  readonly error?: string;
}

/** Encodes {@link selfCheckSignal} as a WAV and decodes it with the upload decoder: every sample must come back. Never rejects. */
export async function checkAudioDecoder(): Promise<DecoderCheck> {
  const signal = selfCheckSignal();
  let decoded = 0;
  try {
    await decodeUpload(encodeWav({ sampleRateHz: ANALYSIS_RATE_HZ, channels: 1, samples: signal }), (pcm) => {
      decoded += pcm.length;
    });
    return { ok: decoded === signal.length, format: 'wav', decoded_samples: decoded };
  } catch (failure) {
    return { ok: false, format: 'wav', decoded_samples: decoded, error: failure instanceof Error ? failure.message : String(failure) };
  }
}
