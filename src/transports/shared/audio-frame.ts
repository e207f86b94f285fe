/**
 * Checks on caller audio frames. This is the hot path, so the checks are structural and cheap: no
 * schema library, one pass over base64 text at most.
 */
import { err, ok, type Result } from '../../core/result.ts';
import type { WireError } from './wire.ts';

const BASE64_PATTERN = /^[A-Za-z0-9+/]*={0,2}$/;

function invalid(message: string): Result<never, WireError> {
  return err({ code: 'invalid_audio', message, recoverable: true });
}

function tooLarge(byteLength: number, maxFrameBytes: number): Result<never, WireError> {
  return err({
    code: 'payload_too_large',
    message: `Audio frame of ${byteLength} bytes exceeds the limit of ${maxFrameBytes} bytes; send smaller frames (20–100 ms)`,
    recoverable: true,
  });
}

/** Accepts a non-empty PCM16 frame of even length up to `maxFrameBytes`. */
export function checkPcm16Frame(bytes: Uint8Array, maxFrameBytes: number): Result<Uint8Array, WireError> {
  if (bytes.byteLength === 0) return invalid('Audio frame is empty');
  if (bytes.byteLength > maxFrameBytes) return tooLarge(bytes.byteLength, maxFrameBytes);
  if (bytes.byteLength % 2 !== 0) {
    return invalid(`PCM16 audio must have an even byte length (2 bytes per sample), got ${bytes.byteLength}`);
  }
  return ok(bytes);
}

/** Decodes base64 PCM16 text, refusing oversize text before decoding it. */
export function decodeBase64Frame(text: string, maxFrameBytes: number): Result<Uint8Array, WireError> {
  const maxChars = Math.ceil(maxFrameBytes / 3) * 4;
  if (text.length > maxChars) return tooLarge(Math.floor((text.length * 3) / 4), maxFrameBytes);
  if (text.length % 4 === 1 || !BASE64_PATTERN.test(text)) return invalid('Audio is not valid base64');
  return checkPcm16Frame(Buffer.from(text, 'base64'), maxFrameBytes);
}
