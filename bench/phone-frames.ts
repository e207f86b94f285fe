/**
 * Numbered phone frames. The phone bench writes each caller frame's sequence number into its first
 * bytes, so the fake upstream can say exactly which frame every appended byte came from, whatever the
 * server did on the way (the runtime's pre-open buffer dropping the oldest audio, the bridge padding
 * a stall with silence, appends merged): loss and latency are counted per frame, not by byte totals.
 * The fake's replies are numbered the same way, so the phone can say which frame of which reply each
 * `media` is, and which a barge-in cut.
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

/** G.711 μ-law byte → linear sample (the inverse of the fake's encoder for every byte but 0x7F). */
function mulawToLinear(byte: number): number {
  const u = ~byte & 0xff;
  const exponent = (u >> 4) & 0x07;
  const magnitude = ((((u & 0x0f) << 3) + 0x84) << exponent) - 0x84;
  return (u & 0x80) !== 0 ? -magnitude : magnitude;
}

/** The number of frame `frame` of reply `reply` of a session: reply in the high byte, frame in the low one. */
export function replyFrameNumber(reply: number, frame: number): number {
  return ((reply & 0xff) << 8) | (frame & 0xff);
}

/**
 * Reply audio for the fake upstream, as PCM16 at 24 kHz: the μ-law `tone` with the number of each of
 * its 160-byte frames written in (see {@link replyFrameNumber}), every 8 kHz sample repeated three
 * times. The fake turns it into μ-law by averaging each three samples and encoding the result, which
 * gives back exactly these bytes, numbers included; the server passes them to the phone untouched and
 * cuts them into 160-byte frames from the start of the reply, so each `media` the phone receives
 * starts with its number.
 */
export function numberedReplyPcm24k(reply: number, tone: Uint8Array): Int16Array {
  const bytes = Uint8Array.from(tone);
  for (let offset = 0, frame = 0; offset + PHONE_FRAME_BYTES <= bytes.length; offset += PHONE_FRAME_BYTES, frame += 1) {
    numberFrame(bytes.subarray(offset, offset + PHONE_FRAME_BYTES), replyFrameNumber(reply, frame));
  }
  const pcm = new Int16Array(bytes.length * 3);
  bytes.forEach((byte, i) => {
    pcm.fill(mulawToLinear(byte), i * 3, i * 3 + 3);
  });
  return pcm;
}
