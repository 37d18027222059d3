// The import, from the file dialog to the result, as reactive state shared by the
// Records and Import screens (only one import runs at a time). Restoring an
// Ownchart export protected with a passphrase asks for it and tries again.

import {
  chooseImportFiles,
  importFiles,
  type ImportOptions,
  type ImportProgress,
  type ImportReport,
  type IpcError,
  type IpcResult,
} from "../ipc";

export type ImportState =
  | { kind: "idle" }
  | { kind: "choosing" }
  | { kind: "running"; files: string[]; progress: ImportProgress | null }
  /** The files are an encrypted Ownchart export: its passphrase is needed (`wrong`: the last one was not it). */
  | { kind: "passphrase"; files: string[]; wrong: boolean }
  | { kind: "done"; report: ImportReport }
  | { kind: "failed"; error: IpcError };

/** The IPC calls an import makes; tests pass fakes. */
export interface ImportCalls {
  choose: () => Promise<IpcResult<string[]>>;
  run: (
    paths: string[],
    onProgress: (p: ImportProgress) => void,
    options: ImportOptions,
  ) => Promise<IpcResult<ImportReport>>;
}

const realCalls: ImportCalls = { choose: chooseImportFiles, run: importFiles };

/**
 * Error codes of failures that happen before anything is written: the files are
 * all read and checked first, so after these the vault is exactly as it was.
 */
const NOTHING_WRITTEN = new Set([
  "malformed_file",
  "not_fhir",
  "empty_file",
  "file_too_large",
  "unreadable_file",
  "vault_locked",
  "no_files",
  "export_passphrase_required",
  "export_passphrase_wrong",
]);

/** The codes that mean "this export is encrypted: ask for its passphrase". */
const PASSPHRASE_CODES = new Set(["export_passphrase_required", "export_passphrase_wrong"]);

/** Whether the vault is known to be untouched after an import failed with `error`. */
export function vaultUnchangedAfter(error: IpcError): boolean {
  return NOTHING_WRITTEN.has(error.code);
}

export class ImportFlow {
  state: ImportState = $state({ kind: "idle" });
  readonly busy: boolean = $derived(this.state.kind === "choosing" || this.state.kind === "running");

  readonly #afterImport: () => Promise<void>;
  readonly #calls: ImportCalls;
  #run = 0;

  /** `afterImport` runs before the result is shown, so the counts on screen match it. */
  constructor(afterImport: () => Promise<void>, calls: ImportCalls = realCalls) {
    this.#afterImport = afterImport;
    this.#calls = calls;
  }

  /** Opens the file dialog and imports what the patient picked. Cancelling changes nothing. */
  async start(): Promise<void> {
    if (this.busy) {
      return;
    }
    const before = this.state;
    this.state = { kind: "choosing" };
    const chosen = await this.#calls.choose();
    if (!chosen.ok) {
      this.state = { kind: "failed", error: { ...chosen.error } };
      return;
    }
    if (chosen.value.length === 0) {
      this.state = before;
      return;
    }
    await this.#import(chosen.value, null);
  }

  /** Tries the import again with the export's passphrase (after the `passphrase` state). */
  async unlock(passphrase: string): Promise<void> {
    if (this.state.kind !== "passphrase") {
      return;
    }
    await this.#import(this.state.files, passphrase);
  }

  async #import(files: string[], passphrase: string | null): Promise<void> {
    const run = ++this.#run;
    this.state = { kind: "running", files, progress: null };
    const result = await this.#calls.run(
      files,
      (progress) => {
        // Progress can trail the result; only the running import may move the bar.
        if (run === this.#run && this.state.kind === "running") {
          this.state = { kind: "running", files, progress };
        }
      },
      { passphrase },
    );
    if (!result.ok) {
      this.state = PASSPHRASE_CODES.has(result.error.code)
        ? { kind: "passphrase", files, wrong: result.error.code === "export_passphrase_wrong" }
        : { kind: "failed", error: result.error };
      return;
    }
    try {
      await this.#afterImport();
    } finally {
      this.state = { kind: "done", report: result.value };
    }
  }

  /** Hides a result or an error. */
  dismiss(): void {
    if (!this.busy) {
      this.state = { kind: "idle" };
    }
  }
}
