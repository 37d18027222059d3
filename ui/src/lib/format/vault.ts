// The vault as the patient reads about it, and which screen a vault status leads to.

import type { LedgerStatus, ProtectionMode, VaultStatus } from "../ipc";
import { formatCount, plural } from "./number";

/** The screen to show for a vault status, with just what that screen needs. */
export type Route =
  | { screen: "first_run"; keyringAvailable: boolean; dataDir: string }
  | { screen: "unlock"; protection: ProtectionMode; dataDir: string }
  | { screen: "recovery"; protection: ProtectionMode; reason: string; dataDir: string }
  | { screen: "main"; protection: ProtectionMode; dataDir: string; appVersion: string };

export function routeFor(status: VaultStatus): Route {
  switch (status.state) {
    case "not_created":
      return { screen: "first_run", keyringAvailable: status.keyring_available, dataDir: status.data_dir };
    case "locked":
      return { screen: "unlock", protection: status.protection, dataDir: status.data_dir };
    case "key_unavailable":
      return {
        screen: "recovery",
        protection: status.protection,
        reason: status.reason,
        dataDir: status.data_dir,
      };
    case "unlocked":
      return {
        screen: "main",
        protection: status.protection,
        dataDir: status.data_dir,
        appVersion: status.app_version,
      };
  }
}

/** "Protected by your operating system's keyring" / "Protected by your passphrase". */
export function protectionSentence(mode: ProtectionMode): string {
  switch (mode) {
    case "keyring":
      return "Protected by your operating system's keyring";
    case "passphrase":
      return "Protected by your passphrase";
  }
}

/** "Intact — 3 entries" or "Broken at entry 7: hash mismatch". */
export function ledgerStatusText(status: LedgerStatus): string {
  if (status.intact) {
    return `Intact — ${plural(status.entries, "entry", "entries")}`;
  }
  const at = status.broken_at === null ? "an unknown entry" : `entry ${formatCount(status.broken_at)}`;
  return `Broken at ${at}: ${status.reason ?? "no reason given"}`;
}

const EVENT_LABELS: Record<string, string> = {
  VAULT_CREATED: "Vault created",
  IMPORT: "Import",
  EXPORT: "Export",
  DISCLOSURE: "Shared",
  DELETE: "Deleted",
  SHARE: "Shared",
  DELETE_ALL: "Everything deleted",
  CONNECT: "Connected",
  RECONNECT: "Reconnected",
  DISCONNECT: "Disconnected",
  SYNC: "Download",
};

/** A ledger event code as a label: "VAULT_CREATED" → "Vault created"; unknown codes are spelled out. */
export function eventLabel(event: string): string {
  const known = EVENT_LABELS[event];
  if (known) {
    return known;
  }
  const words = event.toLowerCase().split(/[_\s]+/).filter((w) => w !== "");
  const text = words.join(" ");
  return text ? text.charAt(0).toUpperCase() + text.slice(1) : event;
}

export const PASSPHRASE_MIN_LENGTH = 8;

/** Why a new passphrase cannot be used yet, or null when it can. */
export function passphraseProblem(passphrase: string, confirm: string): string | null {
  if ([...passphrase].length < PASSPHRASE_MIN_LENGTH) {
    return `Use at least ${PASSPHRASE_MIN_LENGTH} characters.`;
  }
  if (passphrase !== confirm) {
    return "The two passphrases do not match.";
  }
  return null;
}
