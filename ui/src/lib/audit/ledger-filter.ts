// The audit & disclosure log as the Audit screen filters it: by kind of action
// and by any text the patient types, newest first.

import type { LedgerEntryView } from "../ipc";
import { eventLabel } from "../format/vault";

export interface LedgerFilter {
  /** An event code (`SHARE`), or "" for every action. */
  action: string;
  /** Words that must all appear in the entry's date, action, recipient, purpose or description. */
  text: string;
}

export const NO_FILTER: LedgerFilter = { action: "", text: "" };

/** The actions present in the log, each once, labelled, in label order. */
export function actionsIn(entries: readonly LedgerEntryView[]): { event: string; label: string }[] {
  const events = [...new Set(entries.map((e) => e.event))];
  return events.map((event) => ({ event, label: eventLabel(event) })).sort((a, b) => a.label.localeCompare(b.label));
}

function fold(text: string): string {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

/** The entries that pass the filter, newest first. */
export function filterEntries(entries: readonly LedgerEntryView[], filter: LedgerFilter): LedgerEntryView[] {
  const words = fold(filter.text).split(/\s+/).filter((w) => w !== "");
  return entries
    .filter((e) => filter.action === "" || e.event === filter.action)
    .filter((e) => {
      if (words.length === 0) {
        return true;
      }
      const haystack = fold(
        [e.ts_utc, e.event, eventLabel(e.event), e.recipient ?? "", e.purpose ?? "", e.description].join(" "),
      );
      return words.every((w) => haystack.includes(w));
    })
    .sort((a, b) => b.seq - a.seq);
}

/** True when a filter hides something (the screen then offers to clear it). */
export function isFiltering(filter: LedgerFilter): boolean {
  return filter.action !== "" || filter.text.trim() !== "";
}
