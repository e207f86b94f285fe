import type { RealtimeResponseCreateParams } from 'openai/resources/realtime/realtime';

/** A `response.create` the engine wants to send once the conversation is free. */
export type ResponseRequest = { readonly kind: 'continue' } | { readonly kind: 'say'; readonly instructions: string };

/** Sent requests remembered for matching a refusal by `event_id`; older ones are long settled. */
const maxRemembered = 16;

/**
 * Serialises the client's `response.create`s against the server's responses on one upstream session.
 * Only one response may write to the conversation at a time (a second `response.create` fails with
 * `conversation_already_has_active_response`), so requests wait until the active response is done;
 * a "continue" after tool results also waits until every tool call of that response has its result.
 * A request the server refuses because its own VAD response got there first is queued again.
 */
export class ResponseGate {
  #activeId: string | null = null;
  #cancelledByServer = false;
  /** A `response.create` was sent and no `response.created` has arrived since. */
  #awaitingCreated = false;
  #continueWanted = false;
  readonly #says: string[] = [];
  readonly #sent = new Map<string, ResponseRequest>();
  readonly #toolNames = new Map<string, string>();
  readonly #awaitingResults = new Set<string>();
  readonly #callIds = new Set<string>();

  get activeId(): string | null {
    return this.#activeId;
  }

  /** Whether `response.cancel` would cancel something the server has not cancelled already. */
  get cancellable(): boolean {
    return this.#activeId !== null && !this.#cancelledByServer;
  }

  started(responseId: string): void {
    this.#activeId = responseId;
    this.#cancelledByServer = false;
    this.#awaitingCreated = false;
  }

  done(responseId: string): void {
    if (this.#activeId === responseId) this.#activeId = null;
  }

  /** The caller started speaking; with `interrupt_response` the server cancels the active response itself. */
  speechStarted(serverInterrupts: boolean): void {
    if (serverInterrupts && this.#activeId !== null) this.#cancelledByServer = true;
  }

  cancelSent(): void {
    this.#cancelledByServer = true;
  }

  /** A tool call of this upstream session, awaiting its result; `false` if already seen (a duplicate). */
  toolCalled(callId: string, name: string): boolean {
    if (this.#toolNames.has(callId)) return false;
    this.#toolNames.set(callId, name);
    this.#callIds.add(callId);
    this.#awaitingResults.add(callId);
    return true;
  }

  /** The name of a tool call seen in any upstream session of this call. */
  toolName(callId: string): string | undefined {
    return this.#toolNames.get(callId);
  }

  /** Whether the call belongs to this upstream session (a call from before a reconnect does not). */
  knowsCall(callId: string): boolean {
    return this.#callIds.has(callId);
  }

  resultSent(callId: string): void {
    this.#awaitingResults.delete(callId);
  }

  request(request: ResponseRequest): void {
    if (request.kind === 'say') this.#says.push(request.instructions);
    else this.#continueWanted = true;
  }

  /**
   * The next `response.create` to send now under `eventId`, if the conversation is free and one is
   * wanted; `null` otherwise.
   */
  next(eventId: string): { readonly response?: RealtimeResponseCreateParams } | null {
    if (this.#activeId !== null || this.#awaitingCreated) return null;
    const instructions = this.#says.shift();
    if (instructions !== undefined) {
      this.#remember(eventId, { kind: 'say', instructions });
      return { response: { instructions } };
    }
    if (this.#continueWanted && this.#awaitingResults.size === 0) {
      this.#continueWanted = false;
      this.#remember(eventId, { kind: 'continue' });
      return {};
    }
    return null;
  }

  /**
   * The server answered our `response.create` `eventId` with an error. When the conversation was busy
   * the request is queued again (it goes out after the running response); otherwise it is dropped.
   */
  refused(eventId: string, busy: boolean): void {
    const request = this.#sent.get(eventId);
    if (request === undefined) return;
    this.#sent.delete(eventId);
    this.#awaitingCreated = false;
    if (!busy) return;
    if (request.kind === 'say') this.#says.unshift(request.instructions);
    else this.#continueWanted = true;
  }

  /** Whether `eventId` names a `response.create` sent through this gate. */
  sentRequest(eventId: string): boolean {
    return this.#sent.has(eventId);
  }

  /**
   * A new upstream session: nothing is active there and old tool calls do not exist. Queued requests
   * survive (a wanted reply or announcement still happens), and so does one sent but never started.
   */
  resetForNewSession(): void {
    if (this.#awaitingCreated) {
      for (const eventId of [...this.#sent.keys()].slice(-1)) this.refused(eventId, true);
    }
    this.#sent.clear();
    this.#awaitingCreated = false;
    this.#activeId = null;
    this.#cancelledByServer = false;
    this.#awaitingResults.clear();
    this.#callIds.clear();
  }

  #remember(eventId: string, request: ResponseRequest): void {
    this.#awaitingCreated = true;
    this.#sent.set(eventId, request);
    if (this.#sent.size > maxRemembered) {
      const oldest = this.#sent.keys().next();
      if (oldest.done !== true) this.#sent.delete(oldest.value);
    }
  }
}
