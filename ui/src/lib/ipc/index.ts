// The only module that talks to the Rust side. Every other file calls these typed
// functions (ESLint's no-restricted-imports enforces it). Each command function
// resolves to an IpcResult and never rejects: errors arrive as `{ code, message }`,
// the UI shows `message` and branches only on `code`. Event subscriptions
// (`onLoginFinished`, `onSyncProgress`) are the exception, documented where they are.

import { Channel, invoke, type InvokeArgs } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";

import type { AboutInfo } from "./bindings/AboutInfo";
import type { ApiCredentialsInput } from "./bindings/ApiCredentialsInput";
import type { AttachmentContent } from "./bindings/AttachmentContent";
import type { CategoryTable } from "./bindings/CategoryTable";
import type { ChartSeries } from "./bindings/ChartSeries";
import type { Dashboard } from "./bindings/Dashboard";
import type { RecordDetail } from "./bindings/RecordDetail";
import type { RecordQuery } from "./bindings/RecordQuery";
import type { SeriesSummary } from "./bindings/SeriesSummary";
import type { SourceView } from "./bindings/SourceView";
import type { TimelinePage } from "./bindings/TimelinePage";
import type { ConnectTarget } from "./bindings/ConnectTarget";
import type { ConnectionView } from "./bindings/ConnectionView";
import type { DirectoryQuery } from "./bindings/DirectoryQuery";
import type { DirectorySearchResult } from "./bindings/DirectorySearchResult";
import type { DirectorySourceView } from "./bindings/DirectorySourceView";
import type { DisconnectReport } from "./bindings/DisconnectReport";
import type { EraseReport } from "./bindings/EraseReport";
import type { ExportProgress } from "./bindings/ExportProgress";
import type { ExportReport } from "./bindings/ExportReport";
import type { ExportRequest } from "./bindings/ExportRequest";
import type { ImportOptions } from "./bindings/ImportOptions";
import type { ImportProgress } from "./bindings/ImportProgress";
import type { ImportReport } from "./bindings/ImportReport";
import type { IntegratorAccountInput } from "./bindings/IntegratorAccountInput";
import type { IntegratorAccountView } from "./bindings/IntegratorAccountView";
import type { IntegratorSearchResult } from "./bindings/IntegratorSearchResult";
import type { LedgerEntryView } from "./bindings/LedgerEntryView";
import type { LedgerExportFormat } from "./bindings/LedgerExportFormat";
import type { LedgerStatus } from "./bindings/LedgerStatus";
import type { LoginFinished } from "./bindings/LoginFinished";
import type { LoginStarted } from "./bindings/LoginStarted";
import type { ProtectionMode } from "./bindings/ProtectionMode";
import type { RecordOverview } from "./bindings/RecordOverview";
import type { SharePreview } from "./bindings/SharePreview";
import type { ShareReport } from "./bindings/ShareReport";
import type { ShareRequest } from "./bindings/ShareRequest";
import type { ShareSelection } from "./bindings/ShareSelection";
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
export type { EraseReport } from "./bindings/EraseReport";
export type { EraseRevocation } from "./bindings/EraseRevocation";
export type { ErrorData } from "./bindings/ErrorData";
export type { ExportPhase } from "./bindings/ExportPhase";
export type { ExportProgress } from "./bindings/ExportProgress";
export type { ExportProtection } from "./bindings/ExportProtection";
export type { ExportReport } from "./bindings/ExportReport";
export type { ExportRequest } from "./bindings/ExportRequest";
export type { FileReport } from "./bindings/FileReport";
export type { ImportOptions } from "./bindings/ImportOptions";
export type { ImportPhase } from "./bindings/ImportPhase";
export type { ImportProgress } from "./bindings/ImportProgress";
export type { ImportReport } from "./bindings/ImportReport";
export type { CertificateInput } from "./bindings/CertificateInput";
export type { CertificateKind } from "./bindings/CertificateKind";
export type { IntegratorAccountInput } from "./bindings/IntegratorAccountInput";
export type { IntegratorAccountView } from "./bindings/IntegratorAccountView";
export type { IntegratorEndpoint } from "./bindings/IntegratorEndpoint";
export type { IntegratorSearchResult } from "./bindings/IntegratorSearchResult";
export type { IpcError } from "./bindings/IpcError";
export type { LedgerEntryView } from "./bindings/LedgerEntryView";
export type { LedgerExportFormat } from "./bindings/LedgerExportFormat";
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
export type { SecretText } from "./bindings/SecretText";
export type { SectionPreview } from "./bindings/SectionPreview";
export type { SharedFile } from "./bindings/SharedFile";
export type { ShareOutputs } from "./bindings/ShareOutputs";
export type { SharePreview } from "./bindings/SharePreview";
export type { ShareReport } from "./bindings/ShareReport";
export type { ShareRequest } from "./bindings/ShareRequest";
export type { ShareSelection } from "./bindings/ShareSelection";
export type { SyncErrorItem } from "./bindings/SyncErrorItem";
export type { SyncEvent } from "./bindings/SyncEvent";
export type { SyncOutcome } from "./bindings/SyncOutcome";
export type { SyncReport } from "./bindings/SyncReport";
export type { SyncRequest } from "./bindings/SyncRequest";
export type { SyncSchedule } from "./bindings/SyncSchedule";
export type { SyncStarted } from "./bindings/SyncStarted";
export type { TypeCount } from "./bindings/TypeCount";
export type { VaultState } from "./bindings/VaultState";
export type { VaultStatus } from "./bindings/VaultStatus";
export type { AttachmentContent } from "./bindings/AttachmentContent";
export type { AttachmentKind } from "./bindings/AttachmentKind";
export type { AttachmentView } from "./bindings/AttachmentView";
export type { CategoryRow } from "./bindings/CategoryRow";
export type { CategoryTable } from "./bindings/CategoryTable";
export type { ChartPoint } from "./bindings/ChartPoint";
export type { ChartSeries } from "./bindings/ChartSeries";
export type { Column } from "./bindings/Column";
export type { ColumnKind } from "./bindings/ColumnKind";
export type { Dashboard } from "./bindings/Dashboard";
export type { DetailField } from "./bindings/DetailField";
export type { Flag } from "./bindings/Flag";
export type { Provenance } from "./bindings/Provenance";
export type { RecordDetail } from "./bindings/RecordDetail";
export type { RecordItem } from "./bindings/RecordItem";
export type { RecordQuery } from "./bindings/RecordQuery";
export type { SeriesSummary } from "./bindings/SeriesSummary";
export type { SourceView } from "./bindings/SourceView";
export type { TimelinePage } from "./bindings/TimelinePage";
export type { VersionView } from "./bindings/VersionView";
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

/**
 * Imports the files; `onProgress` is called as the Rust side reports progress.
 * An Ownchart export protected with a passphrase needs `options.passphrase`
 * (codes `export_passphrase_required` / `export_passphrase_wrong` otherwise).
 */
export function importFiles(
  paths: string[],
  onProgress: (progress: ImportProgress) => void,
  options: ImportOptions = { passphrase: null },
): Promise<IpcResult<ImportReport>> {
  const channel = new Channel<ImportProgress>();
  channel.onmessage = onProgress;
  return call("import_files", { paths, options, onProgress: channel });
}

/** The audit & disclosure log, oldest entry first. */
export function ledgerEntries(): Promise<IpcResult<LedgerEntryView[]>> {
  return call("ledger_entries");
}

/** Checks the log's hash chain. */
export function verifyLedger(): Promise<IpcResult<LedgerStatus>> {
  return call("verify_ledger");
}

/** Opens the log kept after a passphrase vault was deleted, with that vault's passphrase. */
export function ledgerUnlock(passphrase: string): Promise<IpcResult<LedgerStatus>> {
  return call("ledger_unlock", { passphrase });
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

/**
 * Opens the native save dialog (in Rust) for a complete record file; the suggested
 * name ends in `.zip.age` when `encrypted`. Null means the patient cancelled.
 */
export function exportChoosePath(encrypted: boolean): Promise<IpcResult<string | null>> {
  return call("export_choose_path", { encrypted });
}

/** Writes the complete record file; `onProgress` follows its phases. */
export function exportStart(
  request: ExportRequest,
  onProgress: (progress: ExportProgress) => void,
): Promise<IpcResult<ExportReport>> {
  const channel = new Channel<ExportProgress>();
  channel.onmessage = onProgress;
  return call("export_start", { request, onProgress: channel });
}

/** What a share with this selection would hold: counts per category and the IPS sections. */
export function sharePreview(selection: ShareSelection): Promise<IpcResult<SharePreview>> {
  return call("share_preview", { selection });
}

/** Opens the native folder dialog (in Rust) for a share. Null means the patient cancelled. */
export function shareChooseDir(): Promise<IpcResult<string | null>> {
  return call("share_choose_dir");
}

/** Writes the share's files into a new folder inside `request.out_dir`, after its ledger entry. */
export function shareCreate(request: ShareRequest): Promise<IpcResult<ShareReport>> {
  return call("share_create", { request });
}

/** Opens a share's printable summary in the system browser, to print or save as PDF. */
export function shareOpenSummary(dir: string): Promise<IpcResult<null>> {
  return call("share_open_summary", { dir });
}

/**
 * Deletes every record, token and key, after revoking portal access where it can;
 * only the audit & disclosure log stays. `confirmation` must be `DELETE`. The Rust
 * side asks once more in a native dialog: code `erase_cancelled` when the patient
 * said no there.
 */
export function eraseEverything(confirmation: string): Promise<IpcResult<EraseReport>> {
  return call("erase_everything", { confirmation });
}

/** Saves the log as CSV or JSON where the patient chooses (native dialog in Rust); null when cancelled. */
export function ledgerExport(format: LedgerExportFormat): Promise<IpcResult<string | null>> {
  return call("ledger_export", { format });
}

/** One page of the timeline (newest first), with the number of records the filters match. */
export function recordsTimeline(query: RecordQuery): Promise<IpcResult<TimelinePage>> {
  return call("records_timeline", { query });
}

/** One page of a category's table: the columns a clinician expects, one row per record. */
export function recordsCategory(category: string, query: RecordQuery): Promise<IpcResult<CategoryTable>> {
  return call("records_category", { category, query });
}

/** Where the records came from (each portal, imported files), for the source filter. */
export function recordsSources(): Promise<IpcResult<SourceView[]>> {
  return call("records_sources");
}

/** Everything about one record: fields, sanitized narrative, attachments, provenance, JSON. */
export function recordDetail(key: string): Promise<IpcResult<RecordDetail>> {
  return call("record_detail", { key });
}

/** The pretty-printed JSON of one of the record's versions (an index into `provenance.versions`). */
export function recordVersionJson(key: string, versionIndex: number): Promise<IpcResult<string>> {
  return call("record_version_json", { key, versionIndex });
}

/** One attachment's content: sanitized HTML, text, or an image's bytes (never SVG). */
export function recordAttachment(key: string, index: number): Promise<IpcResult<AttachmentContent>> {
  return call("record_attachment", { key, index });
}

/** Saves a copy of an attachment where the patient chooses (native dialog, in Rust); null if cancelled. */
export function recordAttachmentSave(key: string, index: number): Promise<IpcResult<string | null>> {
  return call("record_attachment_save", { key, index });
}

/** The chartable lab and vital-sign series. */
export function recordsSeries(): Promise<IpcResult<SeriesSummary[]>> {
  return call("records_series");
}

/** Every value of one series (oldest first), in one unit, with reference ranges. */
export function recordsChart(code: string): Promise<IpcResult<ChartSeries>> {
  return call("records_chart", { code });
}

/** The dashboard: latest vitals, active problems and medications, allergies, recent records. */
export function recordsDashboard(): Promise<IpcResult<Dashboard>> {
  return call("records_dashboard");
}

/**
 * Opens an http(s) link in the system browser (checked again in Rust). Ask the
 * patient first: the link comes from a record, not from Ownchart.
 */
export function openExternalLink(url: string): Promise<IpcResult<null>> {
  return call("open_external_link", { url });
}

/** The integrator account (seeds 002, 003) as Settings shows it: never its token or key. */
export function integratorAccount(): Promise<IpcResult<IntegratorAccountView>> {
  return call("integrator_account");
}

/** Saves the integrator account; an empty device token keeps the saved one. */
export function integratorSaveAccount(input: IntegratorAccountInput): Promise<IpcResult<IntegratorAccountView>> {
  return call("integrator_save_account", { input });
}

/** Forgets the integrator account (its token and certificate). */
export function integratorRemoveAccount(): Promise<IpcResult<IntegratorAccountView>> {
  return call("integrator_remove_account");
}

/** Opens the native file dialog for a client certificate; null when the patient cancelled. */
export function integratorChooseCertificate(): Promise<IpcResult<string | null>> {
  return call("integrator_choose_certificate");
}

/** The integrator's directory for the same query (nothing is asked without an account). */
export function integratorDirectorySearch(query: DirectoryQuery): Promise<IpcResult<IntegratorSearchResult>> {
  return call("integrator_directory_search", { query });
}

/** Starts a sign-in at a partner portal through the integrator; finishes like `connectStart`. */
export function integratorConnectStart(endpointId: string): Promise<IpcResult<LoginStarted>> {
  return call("integrator_connect_start", { endpointId });
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
