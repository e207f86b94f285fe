/**
 * Numbered phone frames. The phone bench writes each caller frame's sequence number into its first
 * bytes, so the fake upstream can say exactly which frame every appended byte came from, whatever the
 * server did on the way (the runtime's pre-open buffer dropping the oldest audio, the bridge padding
 * a stall with silence, appends merged): loss and latency are counted per frame, not by byte totals.
 *
 * The number is 16 bits in four μ-law bytes `0xF0 | nibble`, then a fifth carrying a check nibble.
 * μ-law 0xF0–0xFF decode to within ±120 of 32768: inaudible, and far below the fake's energy VAD, so a
 * numbered silence frame is still silence and a numbered tone frame still speech. The server's silence
 * padding (all 0xFF) fails the check, as do unaligned bytes.
 */

/** 20 ms of μ-law 8 kHz. */
export const PHONE_FRAME_BYTES = 160;
const MARKER_BYTES = 5;
const CHECK_SALT = 0x5;

/** Writes frame number `sequence` (mod 65536) into the first bytes of `frame`, in place. */
export function numberFrame(frame: Uint8Array, sequence: number): Uint8Array {
  const value = sequence & 0xffff;
  let check = CHECK_SALT;
  for (let i = 0; i < 4; i += 1) {
    const nibble = (value >> (12 - 4 * i)) & 0xf;
    check ^= nibble;
    frame[i] = 0xf0 | nibble;
  }
  frame[4] = 0xf0 | check;
  return frame;
}

/** The frame number written at `offset` of `bytes`, or -1 when there is none (silence padding, other audio). */
export function frameNumberAt(bytes: Uint8Array, offset: number): number {
  if (offset + MARKER_BYTES > bytes.length) return -1;
  let value = 0;
  let check = CHECK_SALT;
  for (let i = 0; i < 4; i += 1) {
    const byte = bytes[offset + i] ?? 0;
    if ((byte & 0xf0) !== 0xf0) return -1;
    value = (value << 4) | (byte & 0xf);
    check ^= byte & 0xf;
  }
  return bytes[offset + 4] === (0xf0 | check) ? value : -1;
}
