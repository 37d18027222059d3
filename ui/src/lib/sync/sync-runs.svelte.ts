// Downloads from portals (sync runs) as reactive state shared by every screen: the
// runs going on per connection, kept up to date from `sync-progress` events, and
// the last result per connection. Runs also start without the UI asking (resumed
// after a restart, or scheduled), so every event is taken as it comes, including
// events of runs this window never saw start.

import { SvelteSet } from "svelte/reactivity";

import {
  onSyncProgress,
  syncActive,
  syncCancel,
  syncHistory,
  syncStart,
  toIpcError,
  type CategoryProgress,
  type IpcError,
  type IpcResult,
  type SyncEvent,
  type SyncReport,
  type SyncRequest,
  type SyncStarted,
  type Unsubscribe,
} from "../ipc";
import { finishedAnnouncement } from "../format/sync";

/** A run going on for one connection. */
export interface RunView {
  runId: string;
  connectionId: string;
  /** Unknown for a run this window only heard about from a progress event or `sync_active`. */
  portalName: string | null;
  resumed: boolean;
  /** Empty until the run's `started` event or its first progress arrives. */
  categories: CategoryProgress[];
  cancelling: boolean;
}

/** The IPC calls syncing makes; tests pass fakes. */
export interface SyncCalls {
  start: (request: SyncRequest) => Promise<IpcResult<SyncStarted[]>>;
  cancel: (runId: string) => Promise<IpcResult<boolean>>;
  active: () => Promise<IpcResult<[string, string][]>>;
  history: (limit: number) => Promise<IpcResult<SyncReport[]>>;
  subscribe: (onEvent: (event: SyncEvent) => void) => Promise<Unsubscribe>;
}

const realCalls: SyncCalls = {
  start: syncStart,
  cancel: syncCancel,
  active: syncActive,
  history: syncHistory,
  subscribe: onSyncProgress,
};

/** How many past results to read at load: enough to find the last one of every connection. */
export const HISTORY_LIMIT = 100;

/** What `starting` holds while a "sync all" is being started. */
const ALL = "*";

const NOT_LISTENING: IpcError = {
  code: "internal",
  message: "Ownchart cannot follow a download right now. Restart Ownchart and try again.",
};

function later(a: SyncReport, b: SyncReport): boolean {
  return Date.parse(a.finished_at) > Date.parse(b.finished_at);
}

/** A run known only by its ids; its `started` event or progress fills in the rest. */
function adopted(connectionId: string, runId: string): RunView {
  return { runId, connectionId, portalName: null, resumed: false, categories: [], cancelling: false };
}

export class SyncRuns {
  /** Runs going on, by connection id. */
  runs: Record<string, RunView> = $state({});
  /** The last result of each connection, by connection id. */
  reports: Record<string, SyncReport> = $state({});
  /** Connection ids (or "*" for all) whose start call has not answered yet. */
  starting: string[] = $state([]);
  /** The sentence the live region reads when a run ends. */
  announcement: string = $state("");
  /** Goes up by one on each finished run, so screens that list connections know to reload. */
  finishedCount: number = $state(0);
  /** Why the runs or results could not be read at load. */
  loadError: IpcError | null = $state(null);
  readonly busy: boolean = $derived(Object.keys(this.runs).length > 0 || this.starting.length > 0);

  readonly #calls: SyncCalls;
  readonly #onFinished: (report: SyncReport) => void;
  #listening: Promise<Unsubscribe> | null = null;
  #listenError: IpcError | null = null;
  /** Runs already finished: a late progress event must not bring them back. */
  readonly #finished = new SvelteSet<string>();
  /** Results that arrived while this window was open: shown unfolded. */
  #fresh: string[] = $state([]);

  /** `onFinished` runs after each finished run (the records overview refreshes its counts). */
  constructor(onFinished: (report: SyncReport) => void = () => undefined, calls: SyncCalls = realCalls) {
    this.#onFinished = onFinished;
    this.#calls = calls;
  }

  /**
   * Starts listening for sync events, then reads the runs going on and the past
   * results (in that order, so nothing that happens in between is missed).
   * Returns the function that stops. Call once, at mount.
   */
  listen(): () => void {
    if (!this.#listening) {
      this.#listening = this.#calls.subscribe((event) => this.apply(event)).catch((e: unknown) => {
        this.#listenError = toIpcError(e);
        return () => undefined;
      });
      void this.#listening.then(() => this.refresh());
    }
    const listening = this.#listening;
    return () => {
      if (this.#listening === listening) {
        this.#listening = null;
      }
      void listening.then((stop) => stop());
    };
  }

  /**
   * Reads the runs going on and the last results again. A run shown as going on
   * that the Rust side no longer has ended while its event was lost: it is dropped.
   */
  async refresh(): Promise<void> {
    const asked = Object.values(this.runs).map((r) => r.runId);
    const [active, history] = await Promise.all([this.#calls.active(), this.#calls.history(HISTORY_LIMIT)]);
    if (active.ok) {
      const going = active.value.map(([, runId]) => runId);
      for (const run of Object.values(this.runs)) {
        if (asked.includes(run.runId) && !going.includes(run.runId)) {
          this.#drop(run.connectionId);
        }
      }
      for (const [connectionId, runId] of active.value) {
        if (!this.#finished.has(runId) && this.runs[connectionId]?.runId !== runId) {
          this.runs[connectionId] = adopted(connectionId, runId);
        }
      }
    }
    if (history.ok) {
      for (const report of history.value) {
        const known = this.reports[report.connection_id];
        if (!known || later(report, known)) {
          this.reports[report.connection_id] = report;
        }
      }
    }
    this.loadError = !active.ok ? active.error : !history.ok ? history.error : null;
  }

  /**
   * Starts a run for one connection, or for every connection when the request
   * names none. Resolves to the error it was refused with, or null.
   */
  async start(request: SyncRequest): Promise<IpcError | null> {
    const key = request.connection_id ?? ALL;
    if (this.isBusy(request.connection_id ?? null)) {
      return null;
    }
    this.starting = [...this.starting, key];
    try {
      // Without a listener the progress could never be shown: better not to start.
      await this.#listening;
      if (!this.#listening || this.#listenError) {
        return this.#listenError ?? NOT_LISTENING;
      }
      const result = await this.#calls.start(request);
      if (!result.ok) {
        return result.error;
      }
      for (const started of result.value) {
        this.#register(started);
      }
      return null;
    } finally {
      const at = this.starting.indexOf(key);
      this.starting = this.starting.filter((_, i) => i !== at);
    }
  }

  /** Asks the connection's run to stop; it ends with its `finished` event. Resolves to an error, or null. */
  async cancel(connectionId: string): Promise<IpcError | null> {
    const run = this.runs[connectionId];
    if (!run || run.cancelling) {
      return null;
    }
    const runId = run.runId;
    run.cancelling = true;
    const result = await this.#calls.cancel(runId);
    const now = this.runs[connectionId];
    if (now?.runId !== runId) {
      return null;
    }
    if (!result.ok) {
      now.cancelling = false;
      return result.error;
    }
    if (!result.value) {
      // The Rust side has no such run any more: it ended and its event was lost or is on its way.
      this.#drop(connectionId);
    }
    return null;
  }

  /** Whether a run goes on (or is being started) for the connection; for any connection when null. */
  isBusy(connectionId: string | null): boolean {
    if (connectionId === null) {
      return this.busy;
    }
    return connectionId in this.runs || this.starting.includes(connectionId) || this.starting.includes(ALL);
  }

  /** Whether the result came in while this window was open (rather than from the history). */
  isFresh(report: SyncReport): boolean {
    return this.#fresh.includes(report.run_id);
  }

  /** Takes one `sync-progress` event in. Public for tests; `listen` feeds it. */
  apply(event: SyncEvent): void {
    switch (event.kind) {
      case "started": {
        const { run, categories } = event;
        if (this.#finished.has(run.run_id)) {
          return;
        }
        const current = this.runs[run.connection_id];
        this.runs[run.connection_id] = {
          runId: run.run_id,
          connectionId: run.connection_id,
          portalName: run.portal_name,
          resumed: run.resumed,
          categories: [...categories],
          cancelling: current?.runId === run.run_id ? current.cancelling : false,
        };
        return;
      }
      case "progress": {
        if (this.#finished.has(event.run_id)) {
          return;
        }
        let run = this.runs[event.connection_id];
        if (run?.runId !== event.run_id) {
          // A run this window did not see start (it was reloaded, or the event was lost).
          this.runs[event.connection_id] = adopted(event.connection_id, event.run_id);
          run = this.runs[event.connection_id];
        }
        if (!run) {
          return;
        }
        const at = run.categories.findIndex((c) => c.category === event.category.category);
        if (at === -1) {
          run.categories.push(event.category);
        } else {
          run.categories[at] = event.category;
        }
        return;
      }
      case "finished": {
        const report = event.report;
        if (this.#finished.has(report.run_id)) {
          return;
        }
        this.#finished.add(report.run_id);
        if (this.runs[report.connection_id]?.runId === report.run_id) {
          this.#drop(report.connection_id);
        }
        const known = this.reports[report.connection_id];
        if (!known || !later(known, report)) {
          this.reports[report.connection_id] = report;
        }
        this.#fresh.push(report.run_id);
        this.announcement = finishedAnnouncement(report);
        this.finishedCount += 1;
        this.#onFinished(report);
        return;
      }
    }
  }

  #drop(connectionId: string): void {
    this.runs = Object.fromEntries(Object.entries(this.runs).filter(([id]) => id !== connectionId));
  }

  #register(started: SyncStarted): void {
    if (this.#finished.has(started.run_id) || this.runs[started.connection_id]?.runId === started.run_id) {
      // Its events came before the answer: they already say more.
      return;
    }
    this.runs[started.connection_id] = {
      runId: started.run_id,
      connectionId: started.connection_id,
      portalName: started.portal_name,
      resumed: started.resumed,
      categories: [],
      cancelling: false,
    };
  }
}
