/**
 * Syllable nuclei from the energy envelope, streaming (after de Jong & Wempe, 2009): the envelope is the
 * level of the 1 kHz low-passed signal per half frame, smoothed over three hops; a nucleus is a peak
 * that rises at least PROMINENCE_DB above the dip before it and falls PROMINENCE_DB below it after
 * (hysteresis peak picking), lies in speech and in a voiced frame (F0 found), and stands within
 * RANGE_DB of the loudest recent peak (weak bumps in a trailing consonant are not syllables).
 */

const PROMINENCE_DB = 3;
const RANGE_DB = 25;
/** The loudest-peak reference decays by this much per second, so a loud start does not mute the rest. */
const REFERENCE_DECAY_DB_PER_S = 3;
const MIN_GAP_MS = 80;
const VOICING_FRAMES = 32;

export class SyllableNuclei {
  readonly #hopMs: number;
  readonly #hopsPerFrame: number;
  readonly #voiced = new Uint8Array(VOICING_FRAMES);
  readonly #speech = new Uint8Array(VOICING_FRAMES);
  #previous2 = Number.NaN;
  #previous1 = Number.NaN;
  #hop = 0;
  #rising = false;
  #extreme = Infinity;
  #extremeHop = 0;
  #reference = -Infinity;
  #lastNucleusHop = -Infinity;
  #count = 0;

  /** Called with each nucleus: the frame index of its peak. */
  onNucleus: ((frame: number) => void) | undefined;

  constructor(hopMs: number, hopsPerFrame: number) {
    this.#hopMs = hopMs;
    this.#hopsPerFrame = hopsPerFrame;
  }

  get count(): number {
    return this.#count;
  }

  /** Records whether frame `frame` is speech and voiced; call before that frame's hops. */
  markFrame(frame: number, speech: boolean, voiced: boolean): void {
    const slot = frame % VOICING_FRAMES;
    this.#speech[slot] = speech ? 1 : 0;
    this.#voiced[slot] = voiced ? 1 : 0;
  }

  /** Takes one hop's low-passed level in dB. */
  update(levelDb: number): void {
    const raw = levelDb;
    const smoothed = Number.isNaN(this.#previous2)
      ? raw
      : 0.25 * this.#previous2 + 0.5 * this.#previous1 + 0.25 * raw;
    this.#previous2 = Number.isNaN(this.#previous1) ? raw : this.#previous1;
    this.#previous1 = raw;
    // The smoothed value belongs to the previous hop (centre of the three).
    const hop = this.#hop++ - 1;
    this.#reference -= (REFERENCE_DECAY_DB_PER_S * this.#hopMs) / 1000;
    if (this.#rising) {
      if (smoothed > this.#extreme) {
        this.#extreme = smoothed;
        this.#extremeHop = hop;
      } else if (smoothed <= this.#extreme - PROMINENCE_DB) {
        this.#confirm(this.#extreme, this.#extremeHop, hop);
        this.#rising = false;
        this.#extreme = smoothed;
        this.#extremeHop = hop;
      }
    } else if (smoothed < this.#extreme) {
      this.#extreme = smoothed;
      this.#extremeHop = hop;
    } else if (smoothed >= this.#extreme + PROMINENCE_DB) {
      this.#rising = true;
      this.#extreme = smoothed;
      this.#extremeHop = hop;
    }
  }

  #confirm(peakDb: number, peakHop: number, nowHop: number): void {
    if (peakDb > this.#reference) this.#reference = peakDb;
    if (peakDb < this.#reference - RANGE_DB) return;
    if ((peakHop - this.#lastNucleusHop) * this.#hopMs < MIN_GAP_MS) return;
    const frame = Math.floor(peakHop / this.#hopsPerFrame);
    const nowFrame = Math.floor(nowHop / this.#hopsPerFrame);
    if (nowFrame - frame >= VOICING_FRAMES - 1) return;
    const slot = frame % VOICING_FRAMES;
    if (this.#speech[slot] !== 1) return;
    const voiced =
      this.#voiced[slot] === 1 ||
      (frame > 0 && this.#voiced[(frame - 1) % VOICING_FRAMES] === 1) ||
      (frame < nowFrame && this.#voiced[(frame + 1) % VOICING_FRAMES] === 1);
    if (!voiced) return;
    this.#lastNucleusHop = peakHop;
    this.#count++;
    this.onNucleus?.(frame);
  }
}
