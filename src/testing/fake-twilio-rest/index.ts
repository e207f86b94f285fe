/**
 * A protocol-faithful fake of Twilio's Calls REST resource for tests and benchmarks. Never imported by
 * product code. See README.md.
 */
export { callJson, twilioError, validateCreate, type FakeTwilioCall, type FormParams, type TwilioErrorBody } from './calls-resource.ts';
export { startFakeTwilioRest, type FakeTwilioRest, type FakeTwilioRestOptions, type RecordedTwilioRequest, type SignedCallback } from './server.ts';
