/**
 * A protocol-faithful fake Twilio Media Streams client for tests and benchmarks. Never imported by
 * product code. See README.md.
 */
export { connectFakeTwilioMedia, TwilioUpgradeRefused, type ConnectedFakeTwilio, type ConnectFakeTwilioOptions } from './connect.ts';
export { fakeSid, FakeTwilioMedia, TWILIO_FRAME_BYTES, type FakeTwilioMediaOptions, type TwilioLink } from './fake-twilio-media.ts';
export { TwilioPlayback, type TwilioPlaybackParams } from './playback.ts';
export { parseServerMessage, type ProtocolError, type ServerMessage } from './server-messages.ts';
