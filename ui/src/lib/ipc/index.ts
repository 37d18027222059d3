// The only module that talks to the Rust side. Every other file calls these typed
// functions (ESLint's no-restricted-imports enforces it). Each function resolves to
// an IpcResult and never rejects: errors arrive as `{ code, message }`, the UI shows
// `message` and branches only on `code`.

import { Channel, invoke, type InvokeArgs } from "@tauri-apps/api/core";

import type { ImportProgress } from "./bindings/ImportProgress";
import type { ImportReport } from "./bindings/ImportReport";
import type { LedgerEntryView } from "./bindings/LedgerEntryView";
import type { LedgerStatus } from "./bindings/LedgerStatus";
import type { ProtectionMode } from "./bindings/ProtectionMode";
import type { RecordOverview } from "./bindings/RecordOverview";
import type { VaultStatus } from "./bindings/VaultStatus";
import { settle, type IpcResult } from "./errors";

export type { CategoryCount } from "./bindings/CategoryCount";
export type { FileReport } from "./bindings/FileReport";
export type { ImportPhase } from "./bindings/ImportPhase";
export type { ImportProgress } from "./bindings/ImportProgress";
export type { ImportReport } from "./bindings/ImportReport";
export type { IpcError } from "./bindings/IpcError";
export type { LedgerEntryView } from "./bindings/LedgerEntryView";
export type { LedgerStatus } from "./bindings/LedgerStatus";
export type { ProtectionMode } from "./bindings/ProtectionMode";
export type { RecordOverview } from "./bindings/RecordOverview";
export type { VaultState } from "./bindings/VaultState";
export type { VaultStatus } from "./bindings/VaultStatus";
export { isIpcError, toIpcError, type IpcResult } from "./errors";

function call<T>(command: string, args?: InvokeArgs): Promise<IpcResult<T>> {
  return settle(() => invoke<T>(command, args));
}

/** Where the vault stands: decides the first screen. */
export function vaultStatus(): Promise<IpcResult<VaultStatus>> {
  return call("vault_status");
}

/** Creates the vault, protected by the OS keyring or by a passphrase. */
export function createVault(
  protection: ProtectionMode,
  passphrase: string | null = null,
): Promise<IpcResult<VaultStatus>> {
  return call("create_vault", { protection, passphrase });
}

/** Unlocks with the passphrase, or with the OS keyring when `passphrase` is null. */
export function unlockVault(passphrase: string | null = null): Promise<IpcResult<VaultStatus>> {
  return call("unlock_vault", { passphrase });
}

/** Record counts by category: the 16 categories in display order, then "other". */
export function recordOverview(): Promise<IpcResult<RecordOverview>> {
  return call("record_overview");
}

/** Opens the native file dialog (in Rust). An empty list means the patient cancelled. */
export function chooseImportFiles(): Promise<IpcResult<string[]>> {
  return call("choose_import_files");
}

/** Imports the files; `onProgress` is called as the Rust side reports progress. */
export function importFiles(
  paths: string[],
  onProgress: (progress: ImportProgress) => void,
): Promise<IpcResult<ImportReport>> {
  const channel = new Channel<ImportProgress>();
  channel.onmessage = onProgress;
  return call("import_files", { paths, onProgress: channel });
}

/** The audit & disclosure log, oldest entry first. */
export function ledgerEntries(): Promise<IpcResult<LedgerEntryView[]>> {
  return call("ledger_entries");
}

/** Checks the log's hash chain. */
export function verifyLedger(): Promise<IpcResult<LedgerStatus>> {
  return call("verify_ledger");
}
