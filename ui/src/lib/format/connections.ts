// Portals and connections as the patient reads about them: directory entries,
// connection statuses, access expiry, sign-in countdowns and error messages.

import type {
  ConnectMethod,
  ConnectionStatus,
  DirectoryEntry,
  DirectorySearchResult,
  DirectorySourceFormat,
  DirectorySourceView,
  DisconnectReport,
  IpcError,
  PortalAddress,
  PortalKind,
  RedirectKind,
} from "../ipc";
import { formatDate, formatDateTime, type DateOptions } from "./dates";
import { formatCount, plural } from "./number";

/** The id of the demo portal built into Ownchart, used when the directory has not answered yet. */
export const DEMO_PORTAL_ID = "builtin:ownchart-demo";

export type StatusTone = "success" | "warning" | "error";

/** What a connection's status badge shows. */
export interface StatusView {
  label: string;
  tone: StatusTone;
  /** Why the connection is not working, as the Rust side explained it. */
  reason: string | null;
}

export function statusView(status: ConnectionStatus): StatusView {
  switch (status.state) {
    case "connected":
      return { label: "Connected", tone: "success", reason: null };
    case "reconnect_needed":
      return { label: "Reconnect needed", tone: "warning", reason: status.reason || null };
    case "error":
      return { label: "Error", tone: "error", reason: status.reason || null };
  }
}

/** "Portal sign-in" / "API credentials" / "Through the integrator". */
export function methodLabel(method: ConnectMethod): string {
  switch (method) {
    case "smart_login":
      return "Portal sign-in";
    case "api_credentials":
      return "API credentials";
    case "integrator":
      return "Through the integrator";
  }
}

/** "Clinical" / "Insurer": the words the filter uses too. */
export function kindLabel(kind: PortalKind): string {
  switch (kind) {
    case "clinical":
      return "Clinical";
    case "payer":
      return "Insurer";
  }
}

/** One address on one line: "Springfield, IL 62701"; empty when nothing is known. */
export function addressLine(address: PortalAddress): string {
  const clean = (s: string | null) => (s ?? "").trim();
  const region = [clean(address.state), clean(address.postal_code)].filter((s) => s !== "").join(" ");
  return [clean(address.city), region].filter((s) => s !== "").join(", ");
}

/** Where a portal is: its first known address, and how many other places it serves. */
export function locationText(addresses: PortalAddress[]): string | null {
  const lines = addresses.map(addressLine).filter((s) => s !== "");
  const first = lines[0];
  if (first === undefined) {
    return null;
  }
  const others = new Set(lines.slice(1).filter((l) => l !== first)).size;
  return others === 0 ? first : `${first} and ${plural(others, "other location")}`;
}

/** The facts shown under a portal's name: vendor, FHIR version, kind, and the list it came from. */
export function entryFacts(entry: DirectoryEntry): string[] {
  const facts: string[] = [];
  if (entry.vendor) {
    facts.push(entry.vendor);
  }
  if (entry.fhir_version) {
    facts.push(`FHIR ${entry.fhir_version}`);
  }
  facts.push(kindLabel(entry.kind));
  if (entry.source && entry.source !== "Built in") {
    facts.push(`from ${entry.source}`);
  }
  return facts;
}

/** The entries with the demo portal first; the directory's order is kept otherwise. */
export function demoFirst(entries: DirectoryEntry[]): DirectoryEntry[] {
  return [...entries.filter((e) => e.demo), ...entries.filter((e) => !e.demo)];
}

/** The line above the results: how many portals matched, and whether only some are listed. */
export function searchSummary(result: DirectorySearchResult, text: string): string {
  const query = text.trim();
  if (result.total_matches === 0 || result.entries.length === 0) {
    return query
      ? `No portal matches “${query}”. Try another name, a city, a state or a zip code.`
      : "No portals to show yet.";
  }
  if (result.entries.length < result.total_matches) {
    return (
      `Showing ${formatCount(result.entries.length)} of ${plural(result.total_matches, "portal")}. ` +
      "Add a city, state or zip code to narrow the list."
    );
  }
  return plural(result.total_matches, "portal");
}

/** "Access until 12 Mar 2026", or "Access ended …" once the date has passed; null without a date. */
export function expiryText(
  expiresAt: string | null,
  now: Date = new Date(),
  options: DateOptions = {},
): string | null {
  if (!expiresAt) {
    return null;
  }
  const at = new Date(expiresAt).getTime();
  if (Number.isNaN(at)) {
    return null;
  }
  // Access tokens often last an hour: within two days of now, the time matters.
  const soon = Math.abs(at - now.getTime()) < 2 * 24 * 3600 * 1000;
  const date = soon ? formatDateTime(expiresAt, options) : formatDate(expiresAt, options);
  return at > now.getTime() ? `Access until ${date}` : `Access ended ${date}`;
}

/** Milliseconds left until `expiresAt`, never negative; null for an unreadable date. */
export function remainingMs(expiresAt: string, now: Date = new Date()): number | null {
  const at = new Date(expiresAt).getTime();
  return Number.isNaN(at) ? null : Math.max(0, at - now.getTime());
}

/** A countdown: "4:05", "0:09", "1:02:03"; rounded up so it reads 0:00 only when time is up. */
export function formatRemaining(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, "0");
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, "0")}:${seconds}` : `${minutes}:${seconds}`;
}

/** What the patient will see in the browser once signed in, by how the portal sends them back. */
export function redirectHint(redirect: RedirectKind): string {
  switch (redirect) {
    case "deep_link":
      return "When you are done, your browser asks to open Ownchart: allow it.";
    case "loopback":
      return "When you are done, your browser shows a page saying you can close it and come back here.";
    case "https_bounce":
      return "When you are done, your browser goes to an Ownchart page that asks to open the app: allow it.";
  }
}

/**
 * Why a pasted address cannot be used, or null when it looks like a web address;
 * `missing` is what to say when nothing was pasted. Whether it may be used (https
 * only) is the Rust side's decision, which explains itself.
 */
export function urlProblem(text: string, missing = "Paste the portal's FHIR address."): string | null {
  const url = text.trim();
  if (url === "") {
    return missing;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "This is not a web address. It should look like https://fhir.example.org/api/FHIR/R4.";
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    return "This is not a web address. It should start with https://.";
  }
  return null;
}

/** The host of a web address ("fhir.example.org"), or the text itself when it is not one. */
export function hostOf(url: string): string {
  try {
    return new URL(url.trim()).host || url.trim();
  } catch {
    return url.trim();
  }
}

/** "User-access brands bundle" / "Endpoint list". */
export function sourceFormatLabel(format: DirectorySourceFormat): string {
  switch (format) {
    case "brands_bundle":
      return "User-access brands bundle";
    case "endpoint_list":
      return "Endpoint list";
  }
}

/** "1,234 portals · downloaded 12 Mar 2026". */
export function sourceSummary(source: DirectorySourceView, options: DateOptions = {}): string {
  return `${plural(source.entry_count, "portal")} · downloaded ${formatDate(source.fetched_at, options)}`;
}

/** Plain-language explanations of the error codes connecting can end with. */
const CONNECT_ERRORS: Record<string, string> = {
  login_cancelled: "The sign-in was cancelled. Nothing was connected.",
  login_timeout:
    "The sign-in was not finished in time, so Ownchart stopped waiting. Nothing was connected; you can start again when you are ready.",
  reconnect_needed:
    "Your access to this portal has ended. Reconnect to download new records; the records you already have stay in your vault.",
  vault_locked: "Your vault is locked. Unlock it, then try again.",
  portal_unreachable:
    "Ownchart could not reach the portal. Check your internet connection and try again; if it keeps happening, the portal may be down for a while.",
  insecure_url:
    "This address is not secure: it must start with https://. Ownchart only connects to portals over a secure connection.",
};

/** What to tell the patient about a failed connection: the plain explanation, and the details when they add something. */
export interface ConnectErrorText {
  text: string;
  detail: string | null;
}

export function connectErrorText(error: IpcError): ConnectErrorText {
  const known = CONNECT_ERRORS[error.code];
  if (!known) {
    return { text: error.message || "Something went wrong while connecting.", detail: null };
  }
  const detail = error.message.trim();
  return { text: known, detail: detail && detail !== known ? detail : null };
}

/** How a disconnection went, and what the patient still has to do at the portal. */
export interface DisconnectView {
  tone: "success" | "warning";
  title: string;
  message: string;
  advice: string | null;
}

export function disconnectView(report: DisconnectReport, portalName: string): DisconnectView {
  const title = `Disconnected from ${portalName}`;
  const fallback = "The connection was removed from this computer.";
  const message = report.message || fallback;
  switch (report.remote_revocation) {
    case "revoked":
      return { tone: "success", title, message, advice: null };
    case "failed":
      return {
        tone: "warning",
        title,
        message,
        advice:
          "The portal could not be told to end Ownchart's access. To be sure, sign in to the portal and remove Ownchart from its connected apps.",
      };
    case "unsupported":
      return {
        tone: "warning",
        title,
        message,
        advice:
          "This portal does not let apps end their own access. Sign in to the portal and remove Ownchart from its connected apps.",
      };
  }
}
