import { describe, expect, it, vi } from "vitest";

import type { CategoryProgress, CategoryState, IpcResult, SyncEvent, SyncReport, SyncStarted } from "../ipc";
import { HISTORY_LIMIT, SyncRuns, type SyncCalls } from "./sync-runs.svelte";

function category(key: string, state: CategoryState = "waiting", resources = 0): CategoryProgress {
  return {
    category: key,
    label: key === "labs" ? "Lab results" : key,
    state,
    pages: 0,
    resources,
    bytes: 0,
    added: resources,
    updated: 0,
    unchanged: 0,
    set_aside: 0,
  };
}

function started(run_id = "r1", connection_id = "c1"): SyncStarted {
  return { run_id, connection_id, portal_name: "Springfield Clinic", resumed: false };
}

function report(over: Partial<SyncReport> = {}): SyncReport {
  return {
    run_id: "r1",
    connection_id: "c1",
    portal_name: "Springfield Clinic",
    started_at: "2026-03-12T14:00:00Z",
    finished_at: "2026-03-12T14:05:00Z",
    outcome: "complete",
    resumed: false,
    incremental: false,
    request: { connection_id: "c1", exclude_undated_entries: false },
    categories: [category("labs", "complete", 12)],
    errorData: { errors: [] },
    ...over,
  };
}

const startedEvent = (run = started()): SyncEvent => ({
  kind: "started",
  run,
  categories: [category("labs"), category("related"), category("vitals")],
});

const progressEvent = (cat: CategoryProgress, run_id = "r1", connection_id = "c1"): SyncEvent => ({
  kind: "progress",
  run_id,
  connection_id,
  category: cat,
});

/** Fake IPC: records calls and lets a test deliver `sync-progress` events. */
function fakeCalls(over: Partial<SyncCalls> = {}) {
  let listener: ((e: SyncEvent) => void) | null = null;
  const unsubscribe = vi.fn();
  const calls = {
    start: vi.fn<SyncCalls["start"]>(over.start ?? (() => Promise.resolve({ ok: true, value: [started()] }))),
    cancel: vi.fn<SyncCalls["cancel"]>(over.cancel ?? (() => Promise.resolve({ ok: true, value: true }))),
    active: vi.fn<SyncCalls["active"]>(over.active ?? (() => Promise.resolve({ ok: true, value: [] }))),
    history: vi.fn<SyncCalls["history"]>(over.history ?? (() => Promise.resolve({ ok: true, value: [] }))),
    subscribe: vi.fn<SyncCalls["subscribe"]>(
      over.subscribe ??
        ((cb) => {
          listener = cb;
          return Promise.resolve(unsubscribe);
        }),
    ),
  };
  const emit = (e: SyncEvent) => {
    if (!listener) {
      throw new Error("nobody is listening");
    }
    listener(e);
  };
  return { calls, emit, unsubscribe };
}

async function listening(over: Partial<SyncCalls> = {}, onFinished = vi.fn()) {
  const fake = fakeCalls(over);
  const sync = new SyncRuns(onFinished, fake.calls);
  sync.listen();
  await vi.waitFor(() => expect(fake.calls.history).toHaveBeenCalled(), { interval: 1 });
  // A macrotask: every promise of the load has settled after it.
  await new Promise((resolve) => setTimeout(resolve, 0));
  return { ...fake, sync, onFinished };
}

describe("SyncRuns", () => {
  it("follows a run from start to result", async () => {
    const { sync, emit, calls, onFinished } = await listening();
    expect(await sync.start({ connection_id: "c1", exclude_undated_entries: false })).toBeNull();
    expect(calls.start).toHaveBeenCalledWith({ connection_id: "c1", exclude_undated_entries: false });
    expect(sync.runs.c1).toMatchObject({ runId: "r1", portalName: "Springfield Clinic", categories: [] });
    expect(sync.isBusy("c1")).toBe(true);
    expect(sync.isBusy("c2")).toBe(false);

    emit(startedEvent());
    expect(sync.runs.c1?.categories.map((c) => c.category)).toEqual(["labs", "related", "vitals"]);

    emit(progressEvent(category("labs", "running", 40)));
    expect(sync.runs.c1?.categories[0]).toMatchObject({ state: "running", resources: 40 });
    emit(progressEvent(category("labs", "complete", 120)));
    expect(sync.runs.c1?.categories[0]).toMatchObject({ state: "complete", resources: 120 });
    expect(sync.runs.c1?.categories).toHaveLength(3);

    const done = report();
    emit({ kind: "finished", report: done });
    expect(sync.runs.c1).toBeUndefined();
    expect(sync.reports.c1).toEqual(done);
    expect(sync.isFresh(done)).toBe(true);
    expect(sync.busy).toBe(false);
    expect(sync.finishedCount).toBe(1);
    expect(sync.announcement).toBe("Download finished: Springfield Clinic — Complete. 12 records · 12 new.");
    expect(onFinished).toHaveBeenCalledWith(done);
  });

  it("keeps the categories of a started event that came before the start call answered", async () => {
    let answer: (r: IpcResult<SyncStarted[]>) => void = () => undefined;
    const { sync, emit } = await listening({
      start: () =>
        new Promise((resolve) => {
          answer = resolve;
        }),
    });
    const pending = sync.start({ exclude_undated_entries: false });
    await vi.waitFor(() => expect(sync.starting).toEqual(["*"]), { interval: 1 });
    expect(sync.isBusy("c9")).toBe(true);
    emit(startedEvent());
    answer({ ok: true, value: [started()] });
    await pending;
    expect(sync.runs.c1?.categories).toHaveLength(3);
    expect(sync.starting).toEqual([]);
  });

  it("registers one run per connection when syncing all", async () => {
    const { sync } = await listening({
      start: () => Promise.resolve({ ok: true, value: [started("r1", "c1"), started("r2", "c2")] }),
    });
    await sync.start({ exclude_undated_entries: false });
    expect(Object.keys(sync.runs).sort()).toEqual(["c1", "c2"]);
    expect(sync.isBusy(null)).toBe(true);
  });

  it("returns a refused start and registers nothing", async () => {
    const error = { code: "sync_refused", message: "Choose at least one category." };
    const { sync } = await listening({ start: () => Promise.resolve({ ok: false, error }) });
    expect(await sync.start({ exclude_undated_entries: false })).toEqual(error);
    expect(sync.runs).toEqual({});
    expect(sync.busy).toBe(false);
  });

  it("does not start a connection that is already running", async () => {
    const { sync, calls } = await listening();
    await sync.start({ connection_id: "c1", exclude_undated_entries: false });
    await sync.start({ connection_id: "c1", exclude_undated_entries: false });
    expect(calls.start).toHaveBeenCalledTimes(1);
  });

  it("refuses to start when events cannot be received", async () => {
    const { calls } = fakeCalls({ subscribe: () => Promise.reject(new Error("no Tauri")) });
    const sync = new SyncRuns(undefined, calls);
    sync.listen();
    expect(await sync.start({ exclude_undated_entries: false })).toEqual({ code: "internal", message: "no Tauri" });
    expect(calls.start).not.toHaveBeenCalled();
  });

  it("refuses as well when nobody listens", async () => {
    const { calls } = fakeCalls();
    const sync = new SyncRuns(undefined, calls);
    expect(await sync.start({ exclude_undated_entries: false })).toMatchObject({ code: "internal" });
    expect(calls.start).not.toHaveBeenCalled();
  });

  it("shows a run it did not start (resumed or scheduled)", async () => {
    const { sync, emit } = await listening();
    emit(startedEvent({ ...started("r7", "c3"), resumed: true }));
    expect(sync.runs.c3).toMatchObject({ runId: "r7", resumed: true });
    expect(sync.isBusy("c3")).toBe(true);
  });

  it("adopts progress of a run it never heard start", async () => {
    const { sync, emit } = await listening();
    emit(progressEvent(category("vitals", "running", 5), "r5", "c2"));
    expect(sync.runs.c2).toMatchObject({ runId: "r5", portalName: null });
    expect(sync.runs.c2?.categories).toEqual([category("vitals", "running", 5)]);
  });

  it("replaces a run when a newer one for the same connection reports", async () => {
    const { sync, emit } = await listening();
    emit(startedEvent());
    emit(progressEvent(category("labs", "running"), "r2", "c1"));
    expect(sync.runs.c1?.runId).toBe("r2");
    expect(sync.runs.c1?.categories).toHaveLength(1);
  });

  it("ignores progress and starts that arrive after the run finished", async () => {
    const { sync, emit, onFinished } = await listening();
    emit({ kind: "finished", report: report() });
    emit(progressEvent(category("labs", "complete", 12)));
    emit(startedEvent());
    emit({ kind: "finished", report: report() });
    expect(sync.runs).toEqual({});
    expect(onFinished).toHaveBeenCalledTimes(1);
  });

  it("keeps a result for a connection whose run was unknown, and leaves another run alone", async () => {
    const { sync, emit } = await listening();
    emit(startedEvent(started("r2", "c1")));
    emit({ kind: "finished", report: report({ run_id: "r1", finished_at: "2026-03-12T14:00:00Z" }) });
    expect(sync.runs.c1?.runId).toBe("r2");
    expect(sync.reports.c1?.run_id).toBe("r1");
  });

  it("reads the runs going on and the last result per connection at load", async () => {
    const older = report({ run_id: "r0", finished_at: "2026-03-01T10:00:00Z" });
    const newer = report({ run_id: "r1" });
    const other = report({ run_id: "r9", connection_id: "c2", outcome: "reconnect_needed" });
    const { sync, calls } = await listening({
      active: () => Promise.resolve({ ok: true, value: [["c3", "r3"]] }),
      history: () => Promise.resolve({ ok: true, value: [newer, other, older] }),
    });
    expect(calls.history).toHaveBeenCalledWith(HISTORY_LIMIT);
    expect(sync.runs.c3).toMatchObject({ runId: "r3", categories: [] });
    expect(sync.reports.c1).toEqual(newer);
    expect(sync.reports.c2).toEqual(other);
    expect(sync.isFresh(newer)).toBe(false);
    expect(sync.loadError).toBeNull();
  });

  it("subscribes before it reads what goes on", async () => {
    const order: string[] = [];
    const { calls } = fakeCalls();
    calls.subscribe.mockImplementation(() => {
      order.push("subscribe");
      return Promise.resolve(() => undefined);
    });
    calls.active.mockImplementation(() => {
      order.push("active");
      return Promise.resolve({ ok: true, value: [] });
    });
    new SyncRuns(undefined, calls).listen();
    await vi.waitFor(() => expect(order).toEqual(["subscribe", "active"]), { interval: 1 });
  });

  it("does not let an older history result replace a newer one from an event", async () => {
    const { sync, emit, calls } = await listening();
    let answer: (r: IpcResult<SyncReport[]>) => void = () => undefined;
    calls.history.mockImplementationOnce(
      () =>
        new Promise((resolve) => {
          answer = resolve;
        }),
    );
    const refreshing = sync.refresh();
    const fresh = report({ run_id: "r2", finished_at: "2026-03-12T15:00:00Z" });
    emit({ kind: "finished", report: fresh });
    answer({ ok: true, value: [report()] });
    await refreshing;
    expect(sync.reports.c1?.run_id).toBe("r2");
  });

  it("drops a run that ended while its event was lost, and keeps one that is still going", async () => {
    const { sync, emit, calls } = await listening();
    emit(startedEvent(started("r1", "c1")));
    emit(startedEvent(started("r2", "c2")));
    calls.active.mockResolvedValueOnce({ ok: true, value: [["c2", "r2"]] });
    await sync.refresh();
    expect(Object.keys(sync.runs)).toEqual(["c2"]);
  });

  it("says when the runs or the history cannot be read", async () => {
    const error = { code: "vault_locked", message: "The vault is locked." };
    const { sync } = await listening({ history: () => Promise.resolve({ ok: false, error }) });
    expect(sync.loadError).toEqual(error);
  });

  it("cancels a run, which then ends with its finished event", async () => {
    const { sync, calls, emit } = await listening();
    emit(startedEvent());
    const cancelling = sync.cancel("c1");
    expect(sync.runs.c1?.cancelling).toBe(true);
    expect(await cancelling).toBeNull();
    expect(calls.cancel).toHaveBeenCalledWith("r1");
    expect(sync.runs.c1?.cancelling).toBe(true);
    emit({ kind: "finished", report: report({ outcome: "cancelled" }) });
    expect(sync.runs.c1).toBeUndefined();
    expect(sync.reports.c1?.outcome).toBe("cancelled");
  });

  it("forgets a run the Rust side no longer has", async () => {
    const { sync, emit } = await listening({ cancel: () => Promise.resolve({ ok: true, value: false }) });
    emit(startedEvent());
    await sync.cancel("c1");
    expect(sync.runs.c1).toBeUndefined();
  });

  it("returns a refused cancel and lets the patient try again", async () => {
    const error = { code: "internal", message: "No." };
    const { sync, emit } = await listening({ cancel: () => Promise.resolve({ ok: false, error }) });
    emit(startedEvent());
    expect(await sync.cancel("c1")).toEqual(error);
    expect(sync.runs.c1?.cancelling).toBe(false);
    expect(await sync.cancel("nothing-here")).toBeNull();
  });

  it("stops listening", async () => {
    const { sync, unsubscribe } = await listening();
    const stop = sync.listen();
    stop();
    await vi.waitFor(() => expect(unsubscribe).toHaveBeenCalledTimes(1), { interval: 1 });
  });
});
