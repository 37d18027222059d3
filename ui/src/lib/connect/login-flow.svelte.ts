// A portal sign-in, from the Connect (or Reconnect) button to its `login-finished`
// event, as reactive state shared by the Connect and Connections screens (only one
// sign-in runs at a time). The browser does the signing in; the app only waits.

import {
  connectCancel,
  connectionReconnect,
  connectStart,
  onLoginFinished,
  toIpcError,
  type ConnectionView,
  type ConnectTarget,
  type IpcError,
  type IpcResult,
  type LoginFinished,
  type LoginOutcome,
  type LoginStarted,
  type Unsubscribe,
} from "../ipc";

export type LoginState =
  | { kind: "idle" }
  | { kind: "starting"; portalName: string; reconnect: boolean }
  | { kind: "waiting"; started: LoginStarted; reconnect: boolean; cancelling: boolean }
  | { kind: "connected"; connection: ConnectionView; reconnected: boolean }
  | { kind: "failed"; portalName: string; error: IpcError };

/** The IPC calls a sign-in makes; tests pass fakes. */
export interface LoginCalls {
  start: (target: ConnectTarget, clientId: string | null) => Promise<IpcResult<LoginStarted>>;
  reconnect: (connectionId: string) => Promise<IpcResult<LoginStarted>>;
  cancel: (attemptId: string) => Promise<IpcResult<null>>;
  subscribe: (onFinished: (finished: LoginFinished) => void) => Promise<Unsubscribe>;
}

const realCalls: LoginCalls = {
  start: connectStart,
  reconnect: connectionReconnect,
  cancel: connectCancel,
  subscribe: onLoginFinished,
};

/**
 * How long after the attempt's own deadline the app still waits for the Rust side
 * to report it. The Rust side ends every attempt itself; this only keeps the screen
 * from waiting forever if that report were lost.
 */
export const DEADLINE_GRACE_MS = 15_000;

const NOT_LISTENING: IpcError = {
  code: "internal",
  message: "Ownchart cannot receive the result of a portal sign-in right now. Restart Ownchart and try again.",
};

const TIMED_OUT: IpcError = {
  code: "login_timeout",
  message: "The sign-in was not finished in time.",
};

export class LoginFlow {
  state: LoginState = $state({ kind: "idle" });
  readonly busy: boolean = $derived(this.state.kind === "starting" || this.state.kind === "waiting");
  /** Goes up by one on each successful sign-in, so screens that list connections know to reload. */
  connectedCount: number = $state(0);

  readonly #calls: LoginCalls;
  #listening: Promise<Unsubscribe> | null = null;
  #listenError: IpcError | null = null;
  /** Results that arrived before the start call answered with their attempt id. */
  #early: LoginFinished[] = [];
  #deadline: ReturnType<typeof setTimeout> | null = null;
  #retry: (() => Promise<void>) | null = null;

  constructor(calls: LoginCalls = realCalls) {
    this.#calls = calls;
  }

  /** Starts listening for sign-in results; returns the function that stops. Call once, at mount. */
  listen(): () => void {
    if (!this.#listening) {
      this.#listening = this.#calls.subscribe((finished) => this.#finished(finished)).catch((e: unknown) => {
        this.#listenError = toIpcError(e);
        return () => undefined;
      });
    }
    const listening = this.#listening;
    return () => {
      if (this.#listening === listening) {
        this.#listening = null;
      }
      void listening.then((stop) => stop());
    };
  }

  /** Signs in to a portal from the directory or at a FHIR address. */
  connect(target: ConnectTarget, portalName: string, clientId: string | null = null): Promise<void> {
    return this.#begin(portalName, () => this.#calls.start(target, clientId));
  }

  /** Signs in with another start call (a partner portal through the integrator). */
  connectThrough(portalName: string, start: () => Promise<IpcResult<LoginStarted>>): Promise<void> {
    return this.#begin(portalName, start);
  }

  /** Signs in again to an existing connection. */
  reconnect(connectionId: string, portalName: string): Promise<void> {
    return this.#begin(portalName, () => this.#calls.reconnect(connectionId), true);
  }

  /** Stops waiting; the patient is back where they started. */
  async cancel(): Promise<void> {
    if (this.state.kind !== "waiting" || this.state.cancelling) {
      return;
    }
    const started = this.state.started;
    this.state = { ...this.state, cancelling: true };
    const result = await this.#calls.cancel(started.attempt_id);
    if (!this.#isWaitingFor(started.attempt_id)) {
      // The sign-in ended while cancelling (its event came first): that result stands.
      return;
    }
    this.#clearDeadline();
    this.state = result.ok
      ? { kind: "idle" }
      : { kind: "failed", portalName: started.portal_name, error: result.error };
  }

  /** Tries the last sign-in again after it failed. */
  async retry(): Promise<void> {
    if (this.state.kind === "failed" && this.#retry) {
      await this.#retry();
    }
  }

  /** Hides a result or an error. */
  dismiss(): void {
    if (!this.busy) {
      this.state = { kind: "idle" };
    }
  }

  async #begin(
    portalName: string,
    start: () => Promise<IpcResult<LoginStarted>>,
    reconnect = false,
  ): Promise<void> {
    if (this.busy) {
      return;
    }
    this.#retry = () => this.#begin(portalName, start, reconnect);
    this.#clearDeadline();
    this.#early = [];
    this.state = { kind: "starting", portalName, reconnect };
    // Without a listener the result could never arrive: better not to open the browser.
    await this.#listening;
    if (!this.#listening || this.#listenError) {
      this.state = { kind: "failed", portalName, error: this.#listenError ?? NOT_LISTENING };
      return;
    }
    const result = await start();
    if (!result.ok) {
      this.state = { kind: "failed", portalName, error: result.error };
      return;
    }
    const started = result.value;
    this.state = { kind: "waiting", started, reconnect, cancelling: false };
    const early = this.#early.find((f) => f.attempt_id === started.attempt_id);
    this.#early = [];
    if (early) {
      this.#apply(started, reconnect, early.result);
      return;
    }
    this.#armDeadline(started);
  }

  #finished(finished: LoginFinished): void {
    if (this.state.kind === "starting") {
      this.#early.push(finished);
      return;
    }
    if (this.state.kind === "waiting" && this.state.started.attempt_id === finished.attempt_id) {
      this.#apply(this.state.started, this.state.reconnect, finished.result);
    }
    // Anything else is the late echo of an attempt already given up: nothing to show.
  }

  #apply(started: LoginStarted, reconnect: boolean, outcome: LoginOutcome): void {
    this.#clearDeadline();
    switch (outcome.outcome) {
      case "connected":
        this.state = { kind: "connected", connection: outcome.connection, reconnected: reconnect };
        this.connectedCount += 1;
        return;
      case "failed":
        this.state = {
          kind: "failed",
          portalName: started.portal_name,
          error: { code: outcome.code, message: outcome.message },
        };
        return;
      case "cancelled":
        this.state = { kind: "idle" };
        return;
    }
  }

  #isWaitingFor(attemptId: string): boolean {
    return this.state.kind === "waiting" && this.state.started.attempt_id === attemptId;
  }

  #armDeadline(started: LoginStarted): void {
    const deadline = Date.parse(started.expires_at);
    if (Number.isNaN(deadline)) {
      return;
    }
    const wait = Math.max(0, deadline - Date.now()) + DEADLINE_GRACE_MS;
    this.#deadline = setTimeout(() => {
      this.#deadline = null;
      if (this.#isWaitingFor(started.attempt_id)) {
        this.state = { kind: "failed", portalName: started.portal_name, error: TIMED_OUT };
        // Frees the attempt on the Rust side if it is somehow still pending; its answer changes nothing here.
        void this.#calls.cancel(started.attempt_id);
      }
    }, wait);
  }

  #clearDeadline(): void {
    if (this.#deadline !== null) {
      clearTimeout(this.#deadline);
      this.#deadline = null;
    }
  }
}
