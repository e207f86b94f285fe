/**
 * ITU-T G.711 μ-law and A-law codecs, bit-exact with the widely used Sun Microsystems reference
 * (`g711.c`): μ-law with bias 0x84 and clip at 32635, A-law on the top 13 bits. Everything is a table
 * lookup; the tables (2 × 256 decode entries, 2 × 65536 encode entries, ~130 KB) are built once at
 * module load.
 *
 * Quantisation: decoding yields the midpoint of the code's interval, so for |x| ≤ 32635 the
 * round-trip error is at most half the segment step (μ-law: 2^(seg+2); A-law: 8 in segments 0–1, 2^(seg+2)
 * above). μ-law has two zero codes: 0xFF (+0) and 0x7F (−0) both decode to 0, and 0 encodes to 0xFF,
 * so 0x7F is the one code that does not survive decode → encode. A-law has no zero code: 0 encodes
 * to 0xD5, which decodes to +8.
 */

/** The μ-law byte for digital silence (+0). */
export const MULAW_SILENCE = 0xff;
/** The A-law byte for digital silence (the smallest positive level, +8). */
export const ALAW_SILENCE = 0xd5;

const MULAW_BIAS = 0x84;
const MULAW_CLIP = 32635;

/** Reference μ-law encoder for one sample (bias 0x84, clip 32635); used only to fill the table. */
function mulawEncodeSample(sample: number): number {
  let magnitude = sample < 0 ? -sample : sample;
  const sign = sample < 0 ? 0x80 : 0x00;
  if (magnitude > MULAW_CLIP) magnitude = MULAW_CLIP;
  magnitude += MULAW_BIAS;
  // Segment = position of the highest set bit above bit 7 (magnitude is now 0x84..0x7FFF).
  let segment = 7;
  for (let mask = 0x4000; (magnitude & mask) === 0 && segment > 0; mask >>= 1) segment--;
  const mantissa = (magnitude >> (segment + 3)) & 0x0f;
  return ~(sign | (segment << 4) | mantissa) & 0xff;
}

/** Reference μ-law decoder for one byte. */
function mulawDecodeByte(byte: number): number {
  const u = ~byte & 0xff;
  const segment = (u >> 4) & 0x07;
  const magnitude = ((((u & 0x0f) << 3) + MULAW_BIAS) << segment) - MULAW_BIAS;
  return (u & 0x80) !== 0 ? -magnitude : magnitude;
}

/** Reference A-law encoder for one sample (Sun `linear2alaw`). */
function alawEncodeSample(sample: number): number {
  let value = sample >> 3; // 13-bit
  let mask: number;
  if (value >= 0) {
    mask = 0xd5;
  } else {
    mask = 0x55;
    value = -value - 1;
  }
  let segment = 0;
  while (segment < 8 && value >= 0x20 << segment) segment++; // Sun seg_aend: 0x1F, 0x3F, … 0xFFF
  if (segment >= 8) return 0x7f ^ mask;
  const mantissa = segment < 2 ? (value >> 1) & 0x0f : (value >> segment) & 0x0f;
  return ((segment << 4) | mantissa) ^ mask;
}

/** Reference A-law decoder for one byte (Sun `alaw2linear`). */
function alawDecodeByte(byte: number): number {
  const a = byte ^ 0x55;
  const segment = (a >> 4) & 0x07;
  let magnitude = (a & 0x0f) << 4;
  if (segment === 0) magnitude += 8;
  else magnitude = (magnitude + 0x108) << (segment - 1);
  return (a & 0x80) !== 0 ? magnitude : -magnitude;
}

function buildDecodeTable(decode: (byte: number) => number): Int16Array {
  const table = new Int16Array(256);
  for (let byte = 0; byte < 256; byte++) table[byte] = decode(byte);
  return table;
}

/** Indexed by the sample's 16-bit two's-complement pattern (`sample & 0xffff`). */
function buildEncodeTable(encode: (sample: number) => number): Uint8Array {
  const table = new Uint8Array(65536);
  for (let sample = -32768; sample < 32768; sample++) table[sample & 0xffff] = encode(sample);
  return table;
}

const MULAW_DECODE = buildDecodeTable(mulawDecodeByte);
const ALAW_DECODE = buildDecodeTable(alawDecodeByte);
const MULAW_ENCODE = buildEncodeTable(mulawEncodeSample);
const ALAW_ENCODE = buildEncodeTable(alawEncodeSample);

function decodeWith(table: Int16Array, input: Uint8Array, output: Int16Array | undefined): Int16Array {
  const n = input.length;
  const out = output ?? new Int16Array(n);
  if (out.length < n) throw new RangeError(`output holds ${out.length} samples, need ${n}`);
  for (let i = 0; i < n; i++) out[i] = table[input[i] ?? 0] ?? 0;
  return out.length === n ? out : out.subarray(0, n);
}

function encodeWith(table: Uint8Array, input: Int16Array, output: Uint8Array | undefined): Uint8Array {
  const n = input.length;
  const out = output ?? new Uint8Array(n);
  if (out.length < n) throw new RangeError(`output holds ${out.length} bytes, need ${n}`);
  for (let i = 0; i < n; i++) out[i] = table[(input[i] ?? 0) & 0xffff] ?? 0;
  return out.length === n ? out : out.subarray(0, n);
}

/**
 * Decodes μ-law bytes to PCM16 samples. With `output` (length ≥ input.length) it writes there and
 * returns a view of its first `input.length` samples (the same object when the lengths match), so a
 * caller can reuse one buffer per frame; without it, returns a new array.
 */
export function mulawDecode(input: Uint8Array, output?: Int16Array): Int16Array {
  return decodeWith(MULAW_DECODE, input, output);
}

/** Encodes PCM16 samples as μ-law bytes; `output` works as in {@link mulawDecode}. */
export function mulawEncode(input: Int16Array, output?: Uint8Array): Uint8Array {
  return encodeWith(MULAW_ENCODE, input, output);
}

/** Decodes A-law bytes to PCM16 samples; `output` works as in {@link mulawDecode}. */
export function alawDecode(input: Uint8Array, output?: Int16Array): Int16Array {
  return decodeWith(ALAW_DECODE, input, output);
}

/** Encodes PCM16 samples as A-law bytes; `output` works as in {@link mulawDecode}. */
export function alawEncode(input: Int16Array, output?: Uint8Array): Uint8Array {
  return encodeWith(ALAW_ENCODE, input, output);
}

/** Decodes one μ-law byte (0–255) to a sample. */
export function mulawToLinear(byte: number): number {
  return MULAW_DECODE[byte & 0xff] ?? 0;
}

/** Encodes one sample (clamped to the int16 range) as a μ-law byte. */
export function linearToMulaw(sample: number): number {
  return MULAW_ENCODE[clampInt16(sample) & 0xffff] ?? 0;
}

/** Decodes one A-law byte (0–255) to a sample. */
export function alawToLinear(byte: number): number {
  return ALAW_DECODE[byte & 0xff] ?? 0;
}

/** Encodes one sample (clamped to the int16 range) as an A-law byte. */
export function linearToAlaw(sample: number): number {
  return ALAW_ENCODE[clampInt16(sample) & 0xffff] ?? 0;
}

function clampInt16(sample: number): number {
  const s = Math.round(sample);
  return s > 32767 ? 32767 : s < -32768 ? -32768 : s;
}

const MULAW_TO_ALAW = new Uint8Array(256).map((_, byte) => linearToAlaw(mulawToLinear(byte)));
const ALAW_TO_MULAW = new Uint8Array(256).map((_, byte) => linearToMulaw(alawToLinear(byte)));

/**
 * Transcodes μ-law bytes to A-law through the linear value (decode then encode), one table lookup per
 * byte. This is not the G.711 Table 3 direct mapping, which differs by one step for a few codes.
 * `output` works as in {@link mulawDecode}.
 */
export function mulawToAlaw(input: Uint8Array, output?: Uint8Array): Uint8Array {
  return transcodeWith(MULAW_TO_ALAW, input, output);
}

/** Transcodes A-law bytes to μ-law through the linear value; see {@link mulawToAlaw}. */
export function alawToMulaw(input: Uint8Array, output?: Uint8Array): Uint8Array {
  return transcodeWith(ALAW_TO_MULAW, input, output);
}

function transcodeWith(table: Uint8Array, input: Uint8Array, output: Uint8Array | undefined): Uint8Array {
  const n = input.length;
  const out = output ?? new Uint8Array(n);
  if (out.length < n) throw new RangeError(`output holds ${out.length} bytes, need ${n}`);
  for (let i = 0; i < n; i++) out[i] = table[input[i] ?? 0] ?? 0;
  return out.length === n ? out : out.subarray(0, n);
}
