/**
 * Test support for the Twilio bridge's unit tests: a {@link TwilioMediaStream} wired to the fake Twilio client by an
 * in-memory link on a `ManualClock`, and connectors that record starts or run a real `CallSession`
 * over a `ScriptedEngine`. Messages cross the link in microtasks, like a socket: after acting, `await
 * world.flush()` before asserting.
 */
import type { Logger } from '../../core/logger.ts';
import { CallSession } from '../../runtime/call-session.ts';
import type { TransportEvent } from '../../runtime/ports.ts';
import type { StartCallResult } from '../../transports/shared/call-connector.ts';
import type { TwilioCallConnector, TwilioStartParams } from '../../transports/twilio/twilio-connector.ts';
import { resolveTwilioLimits, type TwilioStreamLimits } from '../../transports/twilio/twilio-limits.ts';
import { TwilioMediaStream } from '../../transports/twilio/twilio-media-stream.ts';
import { ManualClock, RecordingSink, ScriptedEngine, silentLogger, testAgent, type ScriptedEngineOptions } from '../runtime-fakes/index.ts';
import { FakeTwilioMedia, type FakeTwilioMediaOptions } from './fake-twilio-media.ts';

export const TEST_CALL_ID = 'call-twilio-1';
export const TEST_STREAM_TOKEN = 'stream-token-1';

/** Records every start and the transport's events; answers with `respond` (default: accept). */
export class RecordingTwilioConnector implements TwilioCallConnector {
  readonly starts: TwilioStartParams[] = [];
  /** Caller events of every transport, by call id. */
  readonly eventsByCall = new Map<string, TransportEvent[]>();
  /** Caller events of the latest transport, in order. */
  events: TransportEvent[] = [];
  respond: (params: TwilioStartParams) => Promise<StartCallResult> = () => Promise.resolve({ ok: true });

  startTwilioCall(params: TwilioStartParams): Promise<StartCallResult> {
    this.starts.push(params);
    const events: TransportEvent[] = [];
    this.events = events;
    this.eventsByCall.set(params.callId, events);
    params.transport.events.onAny((event) => events.push(event));
    return this.respond(params);
  }

  /** A promise the test resolves: the start waits until `release(result)`. */
  hold(): (result?: StartCallResult) => void {
    let release: (result: StartCallResult) => void = () => undefined;
    this.respond = () => new Promise((resolve) => (release = resolve));
    return (result = { ok: true }) => {
      release(result);
    };
  }

  eventsOf<T extends TransportEvent['type']>(type: T): Extract<TransportEvent, { type: T }>[] {
    return this.events.filter((event): event is Extract<TransportEvent, { type: T }> => event.type === type);
  }
}

/** Starts a real `CallSession` over the stream's transport, as the composition root will. */
export class SessionTwilioConnector implements TwilioCallConnector {
  readonly engine: ScriptedEngine;
  readonly sink = new RecordingSink();
  session: CallSession | null = null;
  readonly #clock: ManualClock;
  readonly #logger: Logger;

  constructor(clock: ManualClock, engine: Omit<ScriptedEngineOptions, 'clock'> = {}, logger: Logger = silentLogger()) {
    this.#clock = clock;
    this.#logger = logger;
    this.engine = new ScriptedEngine({ ...engine, clock });
  }

  #gate: Promise<void> | null = null;

  /** The next start waits (the connector checking the token, say) until the returned function is called. */
  hold(): () => void {
    let release: () => void = () => undefined;
    this.#gate = new Promise<void>((resolve) => (release = resolve));
    return () => {
      release();
    };
  }

  async startTwilioCall(params: TwilioStartParams): Promise<StartCallResult> {
    const gate = this.#gate;
    this.#gate = null;
    if (gate !== null) await gate;
    this.session = new CallSession({
      callId: params.callId,
      engine: this.engine,
      transport: params.transport,
      sink: this.sink,
      clock: this.#clock,
      logger: this.#logger,
      agent: testAgent,
    });
    void this.session.start();
    return { ok: true };
  }

  get call(): CallSession {
    if (this.session === null) throw new Error('no call was started');
    return this.session;
  }
}

export interface TwilioWorld<C extends TwilioCallConnector> {
  readonly clock: ManualClock;
  readonly stream: TwilioMediaStream;
  readonly twilio: FakeTwilioMedia;
  readonly connector: C;
  /** Every text the server sent, raw, in order. */
  readonly serverSent: string[];
  /** The close the server asked for, if any. */
  readonly serverClose: { readonly code: number; readonly reason: string } | null;
  /** Lets in-flight messages and promise continuations settle. */
  flush(): Promise<void>;
  /** Flushes, then advances the clock in 20 ms steps, flushing after each (so echoes and replies interleave like real time). */
  advance(ms: number): Promise<void>;
}

export interface TwilioWorldOptions<C extends TwilioCallConnector> {
  readonly clock?: ManualClock;
  readonly connector: C;
  readonly limits?: Partial<TwilioStreamLimits>;
  readonly fake?: FakeTwilioMediaOptions;
  readonly logger?: Logger;
  /** Send `connected` and `start` at once (default true). */
  readonly begin?: boolean;
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** A stream and a fake Twilio joined in memory. */
export async function createTwilioWorld<C extends TwilioCallConnector>(options: TwilioWorldOptions<C>): Promise<TwilioWorld<C>> {
  const clock = options.clock ?? new ManualClock();
  const serverSent: string[] = [];
  let serverClose: { code: number; reason: string } | null = null;
  let linkOpen = true;
  let twilio: FakeTwilioMedia | null = null;
  const closeLink = (code: number): void => {
    if (!linkOpen) return;
    linkOpen = false;
    queueMicrotask(() => {
      twilio?.linkClosed(code);
      stream.socketClosed();
    });
  };
  const stream = new TwilioMediaStream({
    socket: {
      send(text) {
        if (!linkOpen) return;
        serverSent.push(text);
        queueMicrotask(() => twilio?.receive(text));
      },
      batch(run) {
        run();
      },
      close(code, reason) {
        serverClose ??= { code, reason };
        closeLink(code);
      },
    },
    connector: options.connector,
    limits: resolveTwilioLimits(options.limits),
    clock,
    logger: options.logger ?? silentLogger(),
    defer: (fn) => {
      fn();
    },
  });
  twilio = new FakeTwilioMedia(
    {
      send(text) {
        if (linkOpen) queueMicrotask(() => { stream.receive(text); });
      },
      close(code) {
        closeLink(code);
      },
      terminate() {
        closeLink(1006);
      },
    },
    { customParameters: { callId: TEST_CALL_ID, streamToken: TEST_STREAM_TOKEN }, pacedMedia: false, ...options.fake, clock },
  );
  const fake = twilio;
  if (options.begin ?? true) fake.begin();
  await settle();
  return {
    clock,
    stream,
    twilio: fake,
    connector: options.connector,
    serverSent,
    get serverClose() {
      return serverClose;
    },
    flush: settle,
    async advance(ms) {
      await settle();
      for (let left = ms; left > 0; left -= 20) {
        clock.advance(Math.min(20, left));
        await settle();
      }
    },
  };
}
