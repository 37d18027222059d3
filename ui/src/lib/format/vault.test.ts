import { describe, expect, it } from "vitest";

import type { VaultStatus } from "../ipc";
import { eventLabel, ledgerStatusText, passphraseProblem, protectionSentence, routeFor } from "./vault";

const where = { data_dir: "/home/pat/.local/share/ownchart", app_version: "0.1.0" };

describe("routeFor", () => {
  it("sends a new data folder to first run, with keyring availability", () => {
    const s: VaultStatus = { ...where, state: "not_created", keyring_available: false };
    expect(routeFor(s)).toEqual({ screen: "first_run", keyringAvailable: false, dataDir: where.data_dir });
  });

  it("sends a locked vault to the unlock screen", () => {
    const s: VaultStatus = { ...where, state: "locked", protection: "passphrase" };
    expect(routeFor(s)).toEqual({ screen: "unlock", protection: "passphrase", dataDir: where.data_dir });
  });

  it("sends a vault whose key is missing to recovery, with the reason", () => {
    const s: VaultStatus = { ...where, state: "key_unavailable", protection: "keyring", reason: "No keyring entry." };
    expect(routeFor(s)).toEqual({
      screen: "recovery",
      protection: "keyring",
      reason: "No keyring entry.",
      dataDir: where.data_dir,
    });
  });

  it("sends an unlocked vault to the main app", () => {
    const s: VaultStatus = { ...where, state: "unlocked", protection: "keyring" };
    expect(routeFor(s)).toEqual({
      screen: "main",
      protection: "keyring",
      dataDir: where.data_dir,
      appVersion: "0.1.0",
    });
  });
});

describe("protectionSentence", () => {
  it("names the keyring or the passphrase", () => {
    expect(protectionSentence("keyring")).toBe("Protected by your operating system's keyring");
    expect(protectionSentence("passphrase")).toBe("Protected by your passphrase");
  });
});

describe("ledgerStatusText", () => {
  it("starts with Intact and counts entries", () => {
    expect(ledgerStatusText({ intact: true, entries: 3, head: "ab", broken_at: null, reason: null })).toBe(
      "Intact — 3 entries",
    );
    expect(ledgerStatusText({ intact: true, entries: 1, head: "ab", broken_at: null, reason: null })).toBe(
      "Intact — 1 entry",
    );
  });

  it("says where and why it is broken", () => {
    expect(
      ledgerStatusText({ intact: false, entries: 0, head: null, broken_at: 7, reason: "hash mismatch" }),
    ).toBe("Broken at entry 7: hash mismatch");
    expect(ledgerStatusText({ intact: false, entries: 0, head: null, broken_at: null, reason: null })).toBe(
      "Broken at an unknown entry: no reason given",
    );
  });
});

describe("eventLabel", () => {
  it("labels known events and spells out unknown ones", () => {
    expect(eventLabel("VAULT_CREATED")).toBe("Vault created");
    expect(eventLabel("IMPORT")).toBe("Import");
    expect(eventLabel("KEY_ROTATED")).toBe("Key rotated");
    expect(eventLabel("")).toBe("");
  });
});

describe("passphraseProblem", () => {
  it("wants at least 8 characters, counted as characters", () => {
    expect(passphraseProblem("short", "short")).toBe("Use at least 8 characters.");
    expect(passphraseProblem("ééééééé", "ééééééé")).toBe("Use at least 8 characters.");
  });

  it("wants both fields to match", () => {
    expect(passphraseProblem("long enough", "long enougH")).toBe("The two passphrases do not match.");
  });

  it("accepts a long matching passphrase", () => {
    expect(passphraseProblem("correct horse", "correct horse")).toBeNull();
  });
});
