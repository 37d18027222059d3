// The only module that talks to the Rust side. Every other file calls these typed
// functions (ESLint's no-restricted-imports enforces it). Each command function
// resolves to an IpcResult and never rejects: errors arrive as `{ code, message }`,
// the UI shows `message` and branches only on `code`. Event subscriptions
// (`onLoginFinished`, `onSyncProgress`) are the exception, documented where they are.

import { Channel, invoke, type InvokeArgs } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";

import type { AboutInfo } from "./bindings/AboutInfo";
import type { ApiCredentialsInput } from "./bindings/ApiCredentialsInput";
import type { ConnectTarget } from "./bindings/ConnectTarget";
import type { ConnectionView } from "./bindings/ConnectionView";
import type { DirectoryQuery } from "./bindings/DirectoryQuery";
import type { DirectorySearchResult } from "./bindings/DirectorySearchResult";
import type { DirectorySourceView } from "./bindings/DirectorySourceView";
import type { DisconnectReport } from "./bindings/DisconnectReport";
import type { ImportProgress } from "./bindings/ImportProgress";
import type { ImportReport } from "./bindings/ImportReport";
import type { LedgerEntryView } from "./bindings/LedgerEntryView";
import type { LedgerStatus } from "./bindings/LedgerStatus";
import type { LoginFinished } from "./bindings/LoginFinished";
import type { LoginStarted } from "./bindings/LoginStarted";
import type { ProtectionMode } from "./bindings/ProtectionMode";
import type { RecordOverview } from "./bindings/RecordOverview";
import type { SyncEvent } from "./bindings/SyncEvent";
import type { SyncReport } from "./bindings/SyncReport";
import type { SyncRequest } from "./bindings/SyncRequest";
import type { SyncSchedule } from "./bindings/SyncSchedule";
import type { SyncStarted } from "./bindings/SyncStarted";
import type { VaultStatus } from "./bindings/VaultStatus";
import { settle, type IpcResult } from "./errors";

export type { AboutInfo } from "./bindings/AboutInfo";
export type { ApiCredentialsInput } from "./bindings/ApiCredentialsInput";
export type { BuildKind } from "./bindings/BuildKind";
export type { CategoryCount } from "./bindings/CategoryCount";
export type { CategoryProgress } from "./bindings/CategoryProgress";
export type { CategoryState } from "./bindings/CategoryState";
export type { ConnectMethod } from "./bindings/ConnectMethod";
export type { ConnectTarget } from "./bindings/ConnectTarget";
export type { ConnectionStatus } from "./bindings/ConnectionStatus";
export type { ConnectionView } from "./bindings/ConnectionView";
export type { DirectoryEntry } from "./bindings/DirectoryEntry";
export type { DirectoryQuery } from "./bindings/DirectoryQuery";
export type { DirectorySearchResult } from "./bindings/DirectorySearchResult";
export type { DirectorySourceFormat } from "./bindings/DirectorySourceFormat";
export type { DirectorySourceView } from "./bindings/DirectorySourceView";
export type { DisconnectReport } from "./bindings/DisconnectReport";
export type { Ecosystem } from "./bindings/Ecosystem";
export type { ErrorData } from "./bindings/ErrorData";
export type { FileReport } from "./bindings/FileReport";
export type { ImportPhase } from "./bindings/ImportPhase";
export type { ImportProgress } from "./bindings/ImportProgress";
export type { ImportReport } from "./bindings/ImportReport";
export type { IpcError } from "./bindings/IpcError";
export type { LedgerEntryView } from "./bindings/LedgerEntryView";
export type { LedgerStatus } from "./bindings/LedgerStatus";
export type { LicenseNotices } from "./bindings/LicenseNotices";
export type { LicenseText } from "./bindings/LicenseText";
export type { LoginFinished } from "./bindings/LoginFinished";
export type { LoginOutcome } from "./bindings/LoginOutcome";
export type { LoginStarted } from "./bindings/LoginStarted";
export type { NoticePackage } from "./bindings/NoticePackage";
export type { PortalAddress } from "./bindings/PortalAddress";
export type { PortalKind } from "./bindings/PortalKind";
export type { ProtectionMode } from "./bindings/ProtectionMode";
export type { RecordOverview } from "./bindings/RecordOverview";
export type { RedirectKind } from "./bindings/RedirectKind";
export type { RevocationOutcome } from "./bindings/RevocationOutcome";
export type { SyncErrorItem } from "./bindings/SyncErrorItem";
export type { SyncEvent } from "./bindings/SyncEvent";
export type { SyncOutcome } from "./bindings/SyncOutcome";
export type { SyncReport } from "./bindings/SyncReport";
export type { SyncRequest } from "./bindings/SyncRequest";
export type { SyncSchedule } from "./bindings/SyncSchedule";
export type { SyncStarted } from "./bindings/SyncStarted";
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

/** Searches the portal directory (built-in list plus the added sources) by name, alias, city, state or zip. */
export function directorySearch(query: DirectoryQuery): Promise<IpcResult<DirectorySearchResult>> {
  return call("directory_search", { query });
}

/** The directory sources the patient added, with their entry counts. */
export function directorySources(): Promise<IpcResult<DirectorySourceView[]>> {
  return call("directory_sources");
}

/** Downloads and indexes a public endpoint list (a brands Bundle or a plain list) from `url`. */
export function directoryAddSource(url: string): Promise<IpcResult<DirectorySourceView>> {
  return call("directory_add_source", { url });
}

/** Removes a directory source and its entries from the search. */
export function directoryRemoveSource(id: string): Promise<IpcResult<null>> {
  return call("directory_remove_source", { id });
}

/**
 * Starts a portal sign-in: the Rust side opens the portal's page in the system
 * browser. The result arrives later as a `login-finished` event (`onLoginFinished`).
 */
export function connectStart(
  target: ConnectTarget,
  clientId: string | null = null,
): Promise<IpcResult<LoginStarted>> {
  return call("connect_start", { target, clientId });
}

/** Stops waiting for a sign-in; its `login-finished` event then says `cancelled`. */
export function connectCancel(attemptId: string): Promise<IpcResult<null>> {
  return call("connect_cancel", { attemptId });
}

/** Connects with API credentials the portal generated for the patient (never the portal password). */
export function connectApiCredentials(input: ApiCredentialsInput): Promise<IpcResult<ConnectionView>> {
  return call("connect_api_credentials", { input });
}

/** Every connected portal, with its status. */
export function connectionsList(): Promise<IpcResult<ConnectionView[]>> {
  return call("connections_list");
}

/** Signs in again to a portal whose access ended; finishes like `connectStart`. */
export function connectionReconnect(connectionId: string): Promise<IpcResult<LoginStarted>> {
  return call("connection_reconnect", { connectionId });
}

/** Asks the portal to end Ownchart's access, then forgets the connection on this computer. */
export function connectionDisconnect(connectionId: string): Promise<IpcResult<DisconnectReport>> {
  return call("connection_disconnect", { connectionId });
}

/**
 * Starts downloading records: from one connection, or from every connection when
 * `request.connection_id` is absent. One started run per connection; their
 * progress and results arrive as `sync-progress` events (`onSyncProgress`).
 */
export function syncStart(request: SyncRequest): Promise<IpcResult<SyncStarted[]>> {
  return call("sync_start", { request });
}

/** Asks a run to stop; false when it is not going on (any more). */
export function syncCancel(runId: string): Promise<IpcResult<boolean>> {
  return call("sync_cancel", { runId });
}

/** The runs going on now, as `[connectionId, runId]` pairs (for a window that was reloaded). */
export function syncActive(): Promise<IpcResult<[string, string][]>> {
  return call("sync_active");
}

/** The results of past runs, newest first. */
export function syncHistory(limit: number): Promise<IpcResult<SyncReport[]>> {
  return call("sync_history", { limit });
}

/** How often every connection is synced while the app runs. */
export function syncSchedule(): Promise<IpcResult<SyncSchedule>> {
  return call("sync_schedule");
}

/** Changes the schedule (`every_days` 1..365, or absent for none); resolves to the saved one. */
export function syncSetSchedule(schedule: SyncSchedule): Promise<IpcResult<SyncSchedule>> {
  return call("sync_set_schedule", { schedule });
}

/** The About screen: version, build, data folder, protection and the third-party license notices. */
export function aboutInfo(): Promise<IpcResult<AboutInfo>> {
  return call("about_info");
}

/** Stops listening to an event. */
export type Unsubscribe = () => void;

/**
 * Calls `onFinished` each time a sign-in ends (connected, failed or cancelled).
 * Resolves to the function that stops listening. Unlike the commands, it rejects
 * when the app cannot listen at all (outside Tauri): callers must know that no
 * result will ever arrive.
 */
export function onLoginFinished(onFinished: (finished: LoginFinished) => void): Promise<Unsubscribe> {
  return listen<LoginFinished>("login-finished", (event) => onFinished(event.payload));
}

/**
 * Calls `onEvent` for every `sync-progress` event: a run started (also one the UI
 * did not ask for, resumed or scheduled), a category moved on, a run finished.
 * Resolves to the function that stops listening; rejects, like `onLoginFinished`,
 * when the app cannot listen at all.
 */
export function onSyncProgress(onEvent: (event: SyncEvent) => void): Promise<Unsubscribe> {
  return listen<SyncEvent>("sync-progress", (event) => onEvent(event.payload));
}
