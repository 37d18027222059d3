// A complete record file, from the protection choice to the report, as reactive
// state: the save dialog (in Rust), then the export with its progress by phase.
// A file without a passphrase headed for a cloud-synced folder waits for the
// patient to confirm that place. One export at a time.

import {
  exportChoosePath,
  exportStart,
  type ExportProgress,
  type ExportProtection,
  type ExportReport,
  type ExportRequest,
  type IpcError,
  type IpcResult,
} from "../ipc";
import { cloudSyncService } from "./cloud";

export type ExportState =
  | { kind: "idle" }
  | { kind: "choosing" }
  /** A plain file would go to a folder `service` copies to the cloud: save there anyway? */
  | { kind: "cloud"; path: string; service: string }
  | { kind: "running"; path: string; progress: ExportProgress | null }
  | { kind: "done"; report: ExportReport }
  | { kind: "failed"; error: IpcError };

/** The IPC calls an export makes; tests pass fakes. */
export interface ExportCalls {
  choose: (encrypted: boolean) => Promise<IpcResult<string | null>>;
  run: (request: ExportRequest, onProgress: (p: ExportProgress) => void) => Promise<IpcResult<ExportReport>>;
}

const realCalls: ExportCalls = { choose: exportChoosePath, run: exportStart };

export class ExportFlow {
  state: ExportState = $state({ kind: "idle" });
  readonly busy: boolean = $derived(this.state.kind === "choosing" || this.state.kind === "running");

  readonly #calls: ExportCalls;
  #run = 0;

  constructor(calls: ExportCalls = realCalls) {
    this.#calls = calls;
  }

  /** Asks where to save (cancelling changes nothing), then writes the file. */
  async start(protection: ExportProtection): Promise<void> {
    if (this.busy) {
      return;
    }
    const before = this.state;
    this.state = { kind: "choosing" };
    const chosen = await this.#calls.choose(protection.mode === "passphrase");
    if (!chosen.ok) {
      this.state = { kind: "failed", error: chosen.error };
      return;
    }
    if (chosen.value === null) {
      this.state = before;
      return;
    }
    const path = chosen.value;
    const service = cloudSyncService(path);
    if (protection.mode === "plaintext" && service !== null) {
      this.state = { kind: "cloud", path, service };
      return;
    }
    await this.#write(path, protection);
  }

  /** Saves the plain file in the cloud-synced folder after all (the `cloud` state). */
  async saveInCloudFolder(): Promise<void> {
    if (this.state.kind === "cloud") {
      await this.#write(this.state.path, { mode: "plaintext", acknowledged: true });
    }
  }

  async #write(path: string, protection: ExportProtection): Promise<void> {
    const run = ++this.#run;
    this.state = { kind: "running", path, progress: null };
    const result = await this.#calls.run({ path, protection }, (progress) => {
      // Progress can trail the result; only the running export may move the bar.
      if (run === this.#run && this.state.kind === "running") {
        this.state = { kind: "running", path, progress };
      }
    });
    this.state = result.ok ? { kind: "done", report: result.value } : { kind: "failed", error: result.error };
  }

  /** Hides a result or an error, or drops the cloud question. */
  dismiss(): void {
    if (!this.busy) {
      this.state = { kind: "idle" };
    }
  }
}
