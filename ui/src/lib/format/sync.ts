// Downloads from portals (syncs) as the patient reads about them: the categories
// to choose from, each category's state and counts, the errors in plain language,
// how a run ended, and the filters and schedule as the forms hold them.

import type { IconName } from "../components/Icon.svelte";
import type {
  CategoryProgress,
  CategoryState,
  SyncErrorItem,
  SyncOutcome,
  SyncReport,
  SyncRequest,
  SyncSchedule,
} from "../ipc";
import { formatCount, plural } from "./number";

/** A category the patient can choose to download. */
export interface SyncCategory {
  key: string;
  label: string;
}

/**
 * The 16 categories of seed 002 in display order, with the keys and labels of the
 * records overview (the Rust side's `Category`). "Other" is not a choice: records
 * outside the 16 come along with the records that point to them.
 */
export const SYNC_CATEGORIES: readonly SyncCategory[] = [
  { key: "patient", label: "Patient details" },
  { key: "immunization", label: "Immunizations" },
  { key: "allergy_intolerance", label: "Allergies" },
  { key: "medication_request", label: "Prescriptions" },
  { key: "medication_statement", label: "Medications taken" },
  { key: "vitals", label: "Vital signs" },
  { key: "labs", label: "Lab results" },
  { key: "diagnostic_report", label: "Reports" },
  { key: "condition", label: "Conditions" },
  { key: "procedure", label: "Procedures" },
  { key: "family_member_history", label: "Family history" },
  { key: "document_reference", label: "Documents" },
  { key: "care_team", label: "Care teams" },
  { key: "care_plan", label: "Care plans" },
  { key: "explanation_of_benefit", label: "Claims" },
  { key: "coverage", label: "Insurance coverage" },
];

/** The key of the row for records other records point to (practitioners, medications…). */
export const RELATED_KEY = "related";

/** The categories as shown: in the order they came, the "related" row last. */
export function orderedCategories(categories: readonly CategoryProgress[]): CategoryProgress[] {
  return [
    ...categories.filter((c) => c.category !== RELATED_KEY),
    ...categories.filter((c) => c.category === RELATED_KEY),
  ];
}

/** The label of a category key, from the run's own rows first; the key itself when unknown. */
export function categoryLabel(key: string, categories: readonly CategoryProgress[] = []): string {
  return (
    categories.find((c) => c.category === key)?.label ??
    SYNC_CATEGORIES.find((c) => c.key === key)?.label ??
    (key === RELATED_KEY ? "Related records" : key)
  );
}

export type Tone = "success" | "warning" | "error" | "info";

/** How a category's state is shown: its words, its icon and its colour. */
export interface StateView {
  label: string;
  icon: IconName;
  tone: Tone | "muted";
}

export function stateView(state: CategoryState): StateView {
  switch (state) {
    case "waiting":
      return { label: "Waiting", icon: "clock", tone: "muted" };
    case "running":
      return { label: "Downloading", icon: "download", tone: "info" };
    case "complete":
      return { label: "Done", icon: "check", tone: "success" };
    case "partial":
      return { label: "Partly downloaded", icon: "alert", tone: "warning" };
    case "failed":
      return { label: "Not downloaded", icon: "alert", tone: "error" };
    case "skipped":
      return { label: "Skipped", icon: "minus", tone: "muted" };
    case "cancelled":
      return { label: "Cancelled", icon: "close", tone: "muted" };
  }
}

/** A category's progress bar: `value`/`max`, or no value (a moving bar) while it cannot be measured. */
export interface BarView {
  value: number | null;
  max: number;
}

/**
 * The Rust side sends no total while a category runs (a portal rarely says how
 * many pages will come), so a running bar moves without a value; a finished one
 * is full, and one that got nothing stays empty.
 */
export function barView(state: CategoryState): BarView {
  switch (state) {
    case "running":
      return { value: null, max: 1 };
    case "complete":
    case "partial":
      return { value: 1, max: 1 };
    case "waiting":
    case "failed":
    case "skipped":
    case "cancelled":
      return { value: 0, max: 1 };
  }
}

function pageCount(p: CategoryProgress): number {
  return p.pages;
}

/** "3 pages": how far a category got. */
export function pagesText(p: CategoryProgress): string {
  return plural(pageCount(p), "page");
}

interface Counts {
  resources: number;
  added: number;
  updated: number;
  set_aside: number;
}

/** "3 new · 2 updated · 1 set aside"; "no changes" when records came but none was new; "" when none came. */
export function changesText(c: Counts): string {
  const parts: string[] = [];
  if (c.added > 0) {
    parts.push(`${formatCount(c.added)} new`);
  }
  if (c.updated > 0) {
    parts.push(`${formatCount(c.updated)} updated`);
  }
  if (c.set_aside > 0) {
    parts.push(`${formatCount(c.set_aside)} set aside`);
  }
  if (parts.length === 0 && c.resources > 0) {
    return "no changes";
  }
  return parts.join(" · ");
}

/** "1,204 records · 3 new · 2 updated". */
export function countsText(c: Counts): string {
  const changes = changesText(c);
  return changes ? `${plural(c.resources, "record")} · ${changes}` : plural(c.resources, "record");
}

/** The counts of a whole run, every category added up. */
export function reportTotals(report: SyncReport): Counts {
  const totals: Counts = { resources: 0, added: 0, updated: 0, set_aside: 0 };
  for (const c of report.categories) {
    totals.resources += c.resources;
    totals.added += c.added;
    totals.updated += c.updated;
    totals.set_aside += c.set_aside;
  }
  return totals;
}

/** Why a category of a result got less than everything, or null when it is complete. */
export function resultNote(p: CategoryProgress): string | null {
  const note = p.note?.trim() ? p.note.trim() : null;
  switch (p.state) {
    case "complete":
      return note;
    case "partial":
      return note ?? "Partly downloaded.";
    case "failed":
      return note ?? "Not downloaded.";
    case "skipped":
      return note ?? "Skipped.";
    case "cancelled":
      return note ?? "Cancelled before it was finished.";
    case "waiting":
      return note ?? "Not started.";
    case "running":
      return note ?? "Stopped while downloading.";
  }
}

/** How a run ended, in a word or two, and the colour that goes with it. */
export function outcomeView(outcome: SyncOutcome): { label: string; tone: Tone } {
  switch (outcome) {
    case "complete":
      return { label: "Complete", tone: "success" };
    case "partial":
      return { label: "Partly downloaded", tone: "warning" };
    case "reconnect_needed":
      return { label: "Reconnect needed", tone: "warning" };
    case "cancelled":
      return { label: "Cancelled", tone: "info" };
    case "failed":
      return { label: "Failed", tone: "error" };
  }
}

/** What a screen reader hears when a run ends: "Download finished: Springfield Clinic — Complete. 1,204 records · 3 new". */
export function finishedAnnouncement(report: SyncReport): string {
  return `Download finished: ${report.portal_name} — ${outcomeView(report.outcome).label}. ${countsText(reportTotals(report))}.`;
}

/** The colour of an error by its severity (`error`, `warning`, `information`). */
export function severityTone(severity: string): "error" | "warning" | "info" {
  switch (severity.toLowerCase()) {
    case "error":
    case "fatal":
      return "error";
    case "warning":
      return "warning";
    default:
      return "info";
  }
}

/** An error of a run as the patient reads it: the plain sentence, and the Rust side's when it adds something. */
export interface SyncErrorText {
  text: string;
  detail: string | null;
  tone: "error" | "warning" | "info";
}

/** Plain sentences by error name; `label` is the category's label, lowercased. */
const ERROR_TEXTS: Record<string, (label: string) => string> = {
  forbidden: (label) => `Your portal does not share ${label}.`,
  reconnect_needed: () => "Reconnect needed — your portal's permission ended.",
  rate_limited: () => "The portal asked Ownchart to slow down and stayed busy. Try again later.",
  server_unavailable: () => "The portal was not available. Try again later.",
  timeout: () => "The portal took too long to answer.",
  malformed_page: () => "The portal sent a page Ownchart could not read.",
  foreign_next_link: () =>
    "The portal sent the next page from another website. Ownchart did not go there, to keep your sign-in safe.",
  paging_loop: () => "The portal kept sending the same pages again, so Ownchart stopped there.",
  too_many_pages: () => "The portal sent more pages than Ownchart accepts for one kind of record. The rest was not downloaded.",
  response_too_large: () => "The portal sent an answer too large to accept safely.",
  other_patient: () => "Set aside: another patient's records were in the answer. They were not added to yours.",
  wrong_type: () => "Set aside: records of another kind than asked were in the answer.",
  not_supported: (label) => `Your portal does not offer ${label} for download.`,
  not_permitted: (label) => `Your permission at the portal does not include ${label}.`,
  partly_converted: () => "Some records in an older format could only be partly converted. The originals are kept.",
  elsewhere: () => "Some records are kept on another website, which Ownchart does not contact with your sign-in.",
  cancelled: () => "You cancelled the download.",
};

/**
 * One error of a run in plain language. Unknown names fall back to the item's
 * own message, which the Rust side writes as a sentence for the patient.
 */
export function syncErrorText(item: SyncErrorItem, categories: readonly CategoryProgress[] = []): SyncErrorText {
  const tone = severityTone(item.severity);
  const message = item.message.trim();
  const known = ERROR_TEXTS[item.error];
  if (!known) {
    return { text: message || "Something went wrong while downloading.", detail: null, tone };
  }
  const text = known(categoryLabel(item.path, categories).toLowerCase());
  return { text, detail: message && message !== text ? message : null, tone };
}

/** The errors that belong to one category (by key or label), and those that belong to none. */
export function errorsFor(report: SyncReport, key: string | null): SyncErrorItem[] {
  const keys = new Set(report.categories.map((c) => c.category));
  return report.errorData.errors.filter((e) => {
    const own = keys.has(e.path) ? e.path : (report.categories.find((c) => c.label === e.path)?.category ?? null);
    return own === key;
  });
}

/** What the filters dialog holds. */
export interface SyncFilters {
  /** null: every connection. */
  connectionId: string | null;
  categories: string[];
  /** `YYYY-MM-DD` as `<input type="date">` gives it, "" when not set. */
  from: string;
  to: string;
  excludeUndated: boolean;
}

/** Why the filters cannot be used yet, or null when they can. */
export function filtersProblem(filters: SyncFilters): string | null {
  if (filters.categories.length === 0) {
    return "Choose at least one kind of record.";
  }
  if (filters.from && filters.to && filters.from > filters.to) {
    return "The “from” date is after the “to” date.";
  }
  return null;
}

/** The request for the filters: every category is sent as none (all), empty dates are left out. */
export function requestFromFilters(filters: SyncFilters): SyncRequest {
  const request: SyncRequest = { exclude_undated_entries: filters.excludeUndated };
  if (filters.connectionId) {
    request.connection_id = filters.connectionId;
  }
  const chosen = SYNC_CATEGORIES.map((c) => c.key).filter((k) => filters.categories.includes(k));
  if (chosen.length < SYNC_CATEGORIES.length) {
    request.categories = chosen;
  }
  if (filters.from) {
    request.from_time = filters.from;
  }
  if (filters.to) {
    request.to_time = filters.to;
  }
  return request;
}

export const SCHEDULE_MIN_DAYS = 1;
export const SCHEDULE_MAX_DAYS = 365;

/** The schedule in words: "Off", "Every day", "Every 7 days". */
export function scheduleText(schedule: SyncSchedule): string {
  const days = schedule.every_days;
  // Absent, or null from a serializer that writes it out.
  if (typeof days !== "number") {
    return "Off";
  }
  return days === 1 ? "Every day" : `Every ${formatCount(days)} days`;
}

/** The number of days typed in the schedule form, or why it cannot be used. */
export function parseEveryDays(text: string): { days: number } | { problem: string } {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) {
    return { problem: `Type a whole number of days, from ${SCHEDULE_MIN_DAYS} to ${SCHEDULE_MAX_DAYS}.` };
  }
  const days = Number(trimmed);
  if (days < SCHEDULE_MIN_DAYS || days > SCHEDULE_MAX_DAYS) {
    return { problem: `Choose from ${SCHEDULE_MIN_DAYS} to ${SCHEDULE_MAX_DAYS} days.` };
  }
  return { days };
}
