/**
 * Stateful format conversion for one direction of one call leg: G.711 decode → resample → encode,
 * doing only the steps the two formats need. Equal formats convert by returning the input itself.
 */

import { alawDecode, alawEncode, alawToMulaw, mulawDecode, mulawEncode, mulawToAlaw } from './g711.ts';
import { type AudioFormat, pcm16BytesToSamples, sameFormat, samplesToPcm16Bytes } from './format.ts';
import { Resampler, type ResamplerOptions } from './resampler.ts';

/** Converts a byte stream from one {@link AudioFormat} to another, keeping state across chunks. */
export interface AudioConverter {
  readonly from: AudioFormat;
  readonly to: AudioFormat;
  /** True when the formats are equal and `convert` returns its input untouched. */
  readonly isIdentity: boolean;
  /** Delay the conversion adds, in milliseconds (the resampler's group delay; 0 without resampling). */
  readonly delayMs: number;
  /**
   * Converts the next chunk. Returns a new array owned by the caller, except in the identity case
   * where it returns `data` itself. `data` may be reused by the caller once this returns. For `pcm16`
   * input an odd trailing byte is carried into the next call.
   */
  convert(data: Uint8Array): Uint8Array;
  /** Ends the stream: returns the audio held back by the resampler and resets the converter. */
  flush(): Uint8Array;
  /** Drops all state (carried byte, resampler history) to start a new stream. */
  reset(): void;
}

/**
 * Creates a converter for one direction. Throws `invalid_audio` for a rate that is not a positive
 * integer. Cheap to create (resampling filters are cached per rate pair); make one per call leg.
 */
export function createAudioConverter(from: AudioFormat, to: AudioFormat, options: ResamplerOptions = {}): AudioConverter {
  if (sameFormat(from, to)) return identityConverter(from, to);
  if (from.sampleRateHz === to.sampleRateHz && from.encoding !== 'pcm16' && to.encoding !== 'pcm16') {
    return transcodingConverter(from, to);
  }
  return new PipelineConverter(from, to, options);
}

function identityConverter(from: AudioFormat, to: AudioFormat): AudioConverter {
  return {
    from,
    to,
    isIdentity: true,
    delayMs: 0,
    convert: (data) => data,
    flush: () => new Uint8Array(0),
    reset: () => undefined,
  };
}

/** μ-law ↔ A-law at one rate: a 256-entry table lookup per byte, no intermediate PCM. */
function transcodingConverter(from: AudioFormat, to: AudioFormat): AudioConverter {
  const transcode = from.encoding === 'mulaw' ? mulawToAlaw : alawToMulaw;
  return {
    from,
    to,
    isIdentity: false,
    delayMs: 0,
    convert: (data) => transcode(data),
    flush: () => new Uint8Array(0),
    reset: () => undefined,
  };
}

/** The general path: bytes → int16 samples → (resample) → bytes, reusing scratch buffers across calls. */
class PipelineConverter implements AudioConverter {
  readonly from: AudioFormat;
  readonly to: AudioFormat;
  readonly isIdentity = false;
  readonly delayMs: number;
  readonly #resampler: Resampler | undefined;
  #decoded: Int16Array = new Int16Array(0);
  #resampled: Int16Array = new Int16Array(0);
  /** A PCM16 byte whose partner has not arrived yet, or -1. */
  #carry = -1;

  constructor(from: AudioFormat, to: AudioFormat, options: ResamplerOptions) {
    this.from = from;
    this.to = to;
    this.#resampler =
      from.sampleRateHz === to.sampleRateHz ? undefined : new Resampler(from.sampleRateHz, to.sampleRateHz, options);
    this.delayMs = this.#resampler?.groupDelayMs ?? 0;
  }

  convert(data: Uint8Array): Uint8Array {
    if (this.#resampler === undefined) {
      // Same rate: exactly one of the two sides is pcm16 (G.711 ↔ G.711 uses the transcoder).
      if (this.from.encoding === 'mulaw') return samplesToPcm16Bytes(mulawDecode(data));
      if (this.from.encoding === 'alaw') return samplesToPcm16Bytes(alawDecode(data));
      return this.#encode(this.#pcm16Samples(data));
    }
    const samples = this.#decode(data);
    const count = this.#resampler.outputLength(samples.length);
    if (this.to.encoding === 'pcm16') {
      // Resample straight into the caller's fresh buffer: no intermediate copy.
      return samplesToPcm16Bytes(this.#resampler.process(samples, new Int16Array(count)));
    }
    this.#resampled = grow(this.#resampled, count);
    return this.#encode(this.#resampler.process(samples, this.#resampled));
  }

  flush(): Uint8Array {
    this.#carry = -1;
    if (this.#resampler === undefined) return new Uint8Array(0);
    const tail = this.#resampler.flush();
    return this.to.encoding === 'pcm16' ? samplesToPcm16Bytes(tail) : this.#encode(tail);
  }

  reset(): void {
    this.#carry = -1;
    this.#resampler?.reset();
  }

  /** Input bytes as samples: a view of `data` or of the scratch buffer, valid until the next call. */
  #decode(data: Uint8Array): Int16Array {
    switch (this.from.encoding) {
      case 'mulaw':
        this.#decoded = grow(this.#decoded, data.length);
        return mulawDecode(data, this.#decoded);
      case 'alaw':
        this.#decoded = grow(this.#decoded, data.length);
        return alawDecode(data, this.#decoded);
      case 'pcm16':
        return this.#pcm16Samples(data);
    }
  }

  /** PCM16 bytes as samples, joining a byte carried from the previous chunk and carrying an odd tail. */
  #pcm16Samples(data: Uint8Array): Int16Array {
    if (this.#carry < 0) {
      const even = data.length & ~1;
      this.#carry = even < data.length ? (data[even] ?? 0) : -1;
      return this.#readPcm16(data.subarray(0, even), 0);
    }
    if (data.length === 0) return this.#decoded.subarray(0, 0);
    const rest = data.subarray(1);
    const even = rest.length & ~1;
    this.#decoded = grow(this.#decoded, 1 + even / 2);
    this.#decoded[0] = (((data[0] ?? 0) << 24) >> 16) | this.#carry;
    this.#carry = even < rest.length ? (rest[even] ?? 0) : -1;
    return this.#readPcm16(rest.subarray(0, even), 1);
  }

  /** Reads even-length PCM16 bytes; zero-copy when they start the result and are 2-byte aligned. */
  #readPcm16(bytes: Uint8Array, offset: number): Int16Array {
    if (offset === 0 && bytes.byteOffset % 2 === 0) return pcm16BytesToSamples(bytes);
    const count = offset + bytes.length / 2;
    this.#decoded = grow(this.#decoded, count);
    pcm16BytesToSamples(bytes, this.#decoded.subarray(offset));
    return this.#decoded.subarray(0, count);
  }

  /** Samples → new G.711 or PCM16 bytes owned by the caller (never a view of `samples`). */
  #encode(samples: Int16Array): Uint8Array {
    switch (this.to.encoding) {
      case 'mulaw':
        return mulawEncode(samples);
      case 'alaw':
        return alawEncode(samples);
      case 'pcm16':
        return samplesToPcm16Bytes(samples, new Uint8Array(samples.length * 2));
    }
  }
}

function grow(buffer: Int16Array, length: number): Int16Array {
  return buffer.length >= length ? buffer : new Int16Array(Math.max(length, buffer.length * 2));
}
