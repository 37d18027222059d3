import { describe, expect, it } from "vitest";

import type { LedgerEntryView } from "../ipc";
import { actionsIn, filterEntries, isFiltering, NO_FILTER } from "./ledger-filter";

const entry = (seq: number, event: string, description: string, recipient: string | null = null, purpose: string | null = null): LedgerEntryView => ({
  seq,
  ts_utc: `2026-03-1${seq}T10:00:00Z`,
  event,
  description,
  recipient,
  purpose,
});

const log = [
  entry(1, "VAULT_CREATED", "Vault created"),
  entry(2, "IMPORT", "Imported 500 records"),
  entry(3, "SHARE", "Shared 42 records: Lab results, Immunizations", "Dr. Zoë Müller", "Second opinion"),
  entry(4, "EXPORT", "Exported 500 records (encrypted)"),
  entry(5, "SHARE", "Shared 3 records: Conditions", "Clinic Nord", "Travel"),
];

describe("filterEntries", () => {
  it("lists everything newest first without a filter", () => {
    expect(filterEntries(log, NO_FILTER).map((e) => e.seq)).toEqual([5, 4, 3, 2, 1]);
  });

  it("keeps one action", () => {
    expect(filterEntries(log, { action: "SHARE", text: "" }).map((e) => e.seq)).toEqual([5, 3]);
  });

  it("matches every word anywhere, ignoring case and accents", () => {
    expect(filterEntries(log, { action: "", text: "zoe mULLER" }).map((e) => e.seq)).toEqual([3]);
    expect(filterEntries(log, { action: "", text: "travel nord" }).map((e) => e.seq)).toEqual([5]);
    expect(filterEntries(log, { action: "", text: "500" }).map((e) => e.seq)).toEqual([4, 2]);
    expect(filterEntries(log, { action: "", text: "travel müller" })).toEqual([]);
  });

  it("matches the action's label as well as its code", () => {
    expect(filterEntries(log, { action: "", text: "vault created" }).map((e) => e.seq)).toEqual([1]);
    expect(filterEntries(log, { action: "", text: "shared" }).map((e) => e.seq)).toEqual([5, 3]);
  });

  it("combines action and text", () => {
    expect(filterEntries(log, { action: "EXPORT", text: "500" }).map((e) => e.seq)).toEqual([4]);
  });
});

describe("actionsIn and isFiltering", () => {
  it("offers each action present once, by label", () => {
    expect(actionsIn(log)).toEqual([
      { event: "EXPORT", label: "Export" },
      { event: "IMPORT", label: "Import" },
      { event: "SHARE", label: "Shared" },
      { event: "VAULT_CREATED", label: "Vault created" },
    ]);
  });

  it("knows when something is hidden", () => {
    expect(isFiltering(NO_FILTER)).toBe(false);
    expect(isFiltering({ action: "", text: "  " })).toBe(false);
    expect(isFiltering({ action: "SHARE", text: "" })).toBe(true);
  });
});
