import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import type { ConnectionView, IpcResult, LoginFinished, LoginStarted } from "../ipc";
import { DEADLINE_GRACE_MS, LoginFlow, type LoginCalls } from "./login-flow.svelte";

const NOW = new Date("2026-03-12T12:00:00Z");

function started(attempt_id = "a1", minutes = 10): LoginStarted {
  return {
    attempt_id,
    portal_name: "Springfield Clinic",
    redirect: "loopback",
    expires_at: new Date(NOW.getTime() + minutes * 60_000).toISOString(),
    authorize_origin: "https://login.example.org",
  };
}

const connection: ConnectionView = {
  id: "c1",
  portal_name: "Springfield Clinic",
  fhir_base: "https://fhir.example.org/r4",
  method: "smart_login",
  status: { state: "connected" },
  connected_at: NOW.toISOString(),
  expires_at: null,
  patient_id: "p1",
  patient_name: "Pat Example",
  granted_scopes: ["patient/*.rs"],
  directory_id: "epic:1",
};

/** Fake IPC: records calls and lets a test deliver `login-finished` events. */
function fakeCalls(over: Pick<Partial<LoginCalls>, "start" | "subscribe"> = {}) {
  let listener: ((f: LoginFinished) => void) | null = null;
  const unsubscribe = vi.fn();
  const calls = {
    start: vi.fn<LoginCalls["start"]>(over.start ?? (() => Promise.resolve({ ok: true, value: started() }))),
    reconnect: vi.fn<LoginCalls["reconnect"]>(() => Promise.resolve({ ok: true, value: started("r1") })),
    cancel: vi.fn<LoginCalls["cancel"]>(() => Promise.resolve({ ok: true, value: null })),
    subscribe: vi.fn<LoginCalls["subscribe"]>(
      over.subscribe ??
        ((cb) => {
          listener = cb;
          return Promise.resolve(unsubscribe);
        }),
    ),
  };
  const emit = (f: LoginFinished) => {
    if (!listener) {
      throw new Error("nobody is listening");
    }
    listener(f);
  };
  return { calls, emit, unsubscribe };
}

const directory = { kind: "directory", id: "epic:1" } as const;

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(NOW);
});

afterEach(() => {
  vi.useRealTimers();
});

describe("LoginFlow", () => {
  it("waits for the browser, then shows the new connection", async () => {
    const { calls, emit } = fakeCalls();
    const flow = new LoginFlow(calls);
    flow.listen();
    await flow.connect(directory, "Springfield Clinic");
    expect(calls.start).toHaveBeenCalledWith(directory, null);
    expect(flow.state).toMatchObject({ kind: "waiting", started: started(), cancelling: false });
    expect(flow.busy).toBe(true);

    emit({ attempt_id: "a1", result: { outcome: "connected", connection } });
    expect(flow.state).toEqual({ kind: "connected", connection, reconnected: false });
    expect(flow.busy).toBe(false);
    expect(flow.connectedCount).toBe(1);
  });

  it("passes a client id through", async () => {
    const { calls } = fakeCalls();
    const flow = new LoginFlow(calls);
    flow.listen();
    const target = { kind: "fhir_base", url: "https://fhir.example.org/r4" } as const;
    await flow.connect(target, "fhir.example.org", "my-client");
    expect(calls.start).toHaveBeenCalledWith(target, "my-client");
  });

  it("ignores results of other attempts", async () => {
    const { calls, emit } = fakeCalls();
    const flow = new LoginFlow(calls);
    flow.listen();
    await flow.connect(directory, "Springfield Clinic");
    emit({ attempt_id: "old", result: { outcome: "connected", connection } });
    expect(flow.state.kind).toBe("waiting");
    expect(flow.connectedCount).toBe(0);
  });

  it("keeps a result that arrives before the start call answers", async () => {
    let answer: (r: IpcResult<LoginStarted>) => void = () => undefined;
    const { calls, emit } = fakeCalls({
      start: () =>
        new Promise((resolve) => {
          answer = resolve;
        }),
    });
    const flow = new LoginFlow(calls);
    flow.listen();
    const pending = flow.connect(directory, "Springfield Clinic");
    await vi.waitFor(() => expect(flow.state.kind).toBe("starting"));
    await Promise.resolve();
    emit({ attempt_id: "a1", result: { outcome: "failed", code: "access_denied", message: "You declined." } });
    answer({ ok: true, value: started() });
    await pending;
    expect(flow.state).toEqual({
      kind: "failed",
      portalName: "Springfield Clinic",
      error: { code: "access_denied", message: "You declined." },
    });
  });

  it("shows a failed sign-in with its code and message", async () => {
    const { calls, emit } = fakeCalls();
    const flow = new LoginFlow(calls);
    flow.listen();
    await flow.connect(directory, "Springfield Clinic");
    emit({
      attempt_id: "a1",
      result: { outcome: "failed", code: "portal_unreachable", message: "No answer." },
    });
    expect(flow.state).toEqual({
      kind: "failed",
      portalName: "Springfield Clinic",
      error: { code: "portal_unreachable", message: "No answer." },
    });
  });

  it("goes back to where it was when the sign-in is cancelled elsewhere", async () => {
    const { calls, emit } = fakeCalls();
    const flow = new LoginFlow(calls);
    flow.listen();
    await flow.connect(directory, "Springfield Clinic");
    emit({ attempt_id: "a1", result: { outcome: "cancelled" } });
    expect(flow.state).toEqual({ kind: "idle" });
  });

  it("cancels the attempt it waits for", async () => {
    const { calls } = fakeCalls();
    const flow = new LoginFlow(calls);
    flow.listen();
    await flow.connect(directory, "Springfield Clinic");
    const cancelling = flow.cancel();
    expect(flow.state).toMatchObject({ kind: "waiting", cancelling: true });
    await cancelling;
    expect(calls.cancel).toHaveBeenCalledWith("a1");
    expect(flow.state).toEqual({ kind: "idle" });
  });

  it("keeps a result that came in while cancelling", async () => {
    const { calls, emit } = fakeCalls();
    calls.cancel.mockImplementation(() => {
      emit({ attempt_id: "a1", result: { outcome: "connected", connection } });
      return Promise.resolve({ ok: false, error: { code: "unknown_attempt", message: "Already finished." } });
    });
    const flow = new LoginFlow(calls);
    flow.listen();
    await flow.connect(directory, "Springfield Clinic");
    await flow.cancel();
    expect(flow.state.kind).toBe("connected");
  });

  it("shows a refused start and can try it again", async () => {
    const error = { code: "insecure_url", message: "http:// is not allowed." };
    const { calls } = fakeCalls();
    calls.start.mockResolvedValueOnce({ ok: false, error });
    const flow = new LoginFlow(calls);
    flow.listen();
    await flow.connect({ kind: "fhir_base", url: "http://x" }, "x");
    expect(flow.state).toEqual({ kind: "failed", portalName: "x", error });
    await flow.retry();
    expect(calls.start).toHaveBeenCalledTimes(2);
    expect(flow.state.kind).toBe("waiting");
  });

  it("reconnects an existing connection and says so when done", async () => {
    const { calls, emit } = fakeCalls();
    const flow = new LoginFlow(calls);
    flow.listen();
    await flow.reconnect("c1", "Springfield Clinic");
    expect(calls.reconnect).toHaveBeenCalledWith("c1");
    emit({ attempt_id: "r1", result: { outcome: "connected", connection } });
    expect(flow.state).toEqual({ kind: "connected", connection, reconnected: true });
  });

  it("runs one sign-in at a time", async () => {
    const { calls } = fakeCalls();
    const flow = new LoginFlow(calls);
    flow.listen();
    await flow.connect(directory, "Springfield Clinic");
    await flow.connect({ kind: "directory", id: "other" }, "Other");
    await flow.reconnect("c1", "Springfield Clinic");
    expect(calls.start).toHaveBeenCalledTimes(1);
    expect(calls.reconnect).not.toHaveBeenCalled();
  });

  it("gives up a while after the attempt's deadline if no result came", async () => {
    const { calls } = fakeCalls();
    calls.start.mockResolvedValueOnce({ ok: true, value: started("a1", 1) });
    const flow = new LoginFlow(calls);
    flow.listen();
    await flow.connect(directory, "Springfield Clinic");
    vi.advanceTimersByTime(60_000 + DEADLINE_GRACE_MS - 1);
    expect(flow.state.kind).toBe("waiting");
    vi.advanceTimersByTime(1);
    expect(flow.state).toMatchObject({ kind: "failed", error: { code: "login_timeout" } });
    expect(calls.cancel).toHaveBeenCalledWith("a1");
  });

  it("does not time out a sign-in that already finished", async () => {
    const { calls, emit } = fakeCalls();
    const flow = new LoginFlow(calls);
    flow.listen();
    await flow.connect(directory, "Springfield Clinic");
    emit({ attempt_id: "a1", result: { outcome: "connected", connection } });
    vi.advanceTimersByTime(60 * 60_000);
    expect(flow.state.kind).toBe("connected");
    expect(calls.cancel).not.toHaveBeenCalled();
  });

  it("refuses to open the browser when results cannot be received", async () => {
    const { calls } = fakeCalls({ subscribe: () => Promise.reject(new Error("no Tauri")) });
    const flow = new LoginFlow(calls);
    flow.listen();
    await flow.connect(directory, "Springfield Clinic");
    expect(calls.start).not.toHaveBeenCalled();
    expect(flow.state).toMatchObject({ kind: "failed", error: { code: "internal", message: "no Tauri" } });
  });

  it("refuses as well when nobody listens", async () => {
    const { calls } = fakeCalls();
    const flow = new LoginFlow(calls);
    await flow.connect(directory, "Springfield Clinic");
    expect(calls.start).not.toHaveBeenCalled();
    expect(flow.state.kind).toBe("failed");
  });

  it("stops listening", async () => {
    const { calls, unsubscribe } = fakeCalls();
    const flow = new LoginFlow(calls);
    const stop = flow.listen();
    stop();
    await vi.waitFor(() => expect(unsubscribe).toHaveBeenCalledTimes(1));
  });

  it("dismisses a result but not a running sign-in", async () => {
    const { calls, emit } = fakeCalls();
    const flow = new LoginFlow(calls);
    flow.listen();
    await flow.connect(directory, "Springfield Clinic");
    flow.dismiss();
    expect(flow.state.kind).toBe("waiting");
    emit({ attempt_id: "a1", result: { outcome: "connected", connection } });
    flow.dismiss();
    expect(flow.state).toEqual({ kind: "idle" });
  });
});
