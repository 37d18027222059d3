// The share wizard's choices as the forms hold them, their checks, and the
// request they become. Kept free of runes so they test as plain functions.

import { SYNC_CATEGORIES } from "../format/sync";
import type { ShareOutputs, ShareRequest, ShareSelection } from "../ipc";

/** The kinds of records to choose from: the 16 categories, then everything else. */
export const SHARE_CATEGORIES: readonly { key: string; label: string }[] = [
  ...SYNC_CATEGORIES,
  { key: "other", label: "Other records" },
];

export const ALL_CATEGORY_KEYS: readonly string[] = SHARE_CATEGORIES.map((c) => c.key);

/** Step 1: what to share. */
export interface SelectionForm {
  categories: string[];
  /** `YYYY-MM-DD` from a date input, or "" for no limit. */
  from: string;
  to: string;
  /** Record keys picked one by one; when any, only these are shared. */
  items: string[];
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function validDay(day: string): boolean {
  if (!DAY.test(day)) {
    return false;
  }
  const d = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(day);
}

/** Why the selection cannot be shared as it stands, or null. */
export function selectionProblem(form: SelectionForm): string | null {
  if (form.items.length > 0) {
    return null;
  }
  if (form.categories.length === 0) {
    return "Choose at least one kind of record.";
  }
  if ((form.from !== "" && !validDay(form.from)) || (form.to !== "" && !validDay(form.to))) {
    return "Enter dates as year, month and day.";
  }
  if (form.from !== "" && form.to !== "" && form.from > form.to) {
    return "The start date is after the end date.";
  }
  return null;
}

/**
 * The selection to send. Picked items override categories and dates (only they
 * are shared); every category chosen is sent as "all" (an empty list), so the
 * share also covers kinds the app learns later.
 */
export function selectionFor(form: SelectionForm): ShareSelection {
  if (form.items.length > 0) {
    return { categories: [], from: null, to: null, items: [...form.items] };
  }
  const all = ALL_CATEGORY_KEYS.every((k) => form.categories.includes(k));
  return {
    categories: all ? [] : ALL_CATEGORY_KEYS.filter((k) => form.categories.includes(k)),
    from: form.from || null,
    to: form.to || null,
    items: [],
  };
}

export const LABEL_MAX = 80;

/** How long the SMART Health Link stays valid, as offered ("" = no end date). */
export const EXPIRY_CHOICES: readonly { days: string; label: string }[] = [
  { days: "1", label: "1 day" },
  { days: "7", label: "1 week" },
  { days: "30", label: "30 days" },
  { days: "90", label: "90 days" },
  { days: "365", label: "1 year" },
  { days: "", label: "No end date" },
];

/** Step 2: who gets it, why, and in which forms. */
export interface DetailsForm {
  recipient: string;
  purpose: string;
  outputs: ShareOutputs;
  /** SMART Health Link label; "" for none. */
  label: string;
  /** One of `EXPIRY_CHOICES`' days. */
  expiresInDays: string;
  /** Where the patient will put the encrypted file (https); "" when not known yet. */
  baseUrl: string;
}

export function emptyDetails(): DetailsForm {
  return {
    recipient: "",
    purpose: "",
    outputs: { ips_bundle: true, html_summary: true, smart_health_link: true },
    label: "",
    expiresInDays: "30",
    baseUrl: "",
  };
}

export type DetailsField = "recipient" | "purpose" | "outputs" | "label" | "baseUrl";

/** A hosting address the link can point to: an https URL (a folder when it ends in `/`). */
export function baseUrlProblem(url: string): string | null {
  const trimmed = url.trim();
  if (trimmed === "") {
    return null;
  }
  let parsed: URL;
  try {
    parsed = new URL(trimmed);
  } catch {
    return "Enter a full web address, starting with https://.";
  }
  return parsed.protocol === "https:" && parsed.hostname !== "" ? null : "The address must start with https://.";
}

/** Every problem of step 2, by field (empty when it can go). */
export function detailsProblems(form: DetailsForm): Partial<Record<DetailsField, string>> {
  const problems: Partial<Record<DetailsField, string>> = {};
  if (form.recipient.trim() === "") {
    problems.recipient = "Say who you are sharing with: it is written to your disclosure log.";
  }
  if (form.purpose.trim() === "") {
    problems.purpose = "Say why you are sharing: it is written to your disclosure log.";
  }
  if (!form.outputs.ips_bundle && !form.outputs.html_summary && !form.outputs.smart_health_link) {
    problems.outputs = "Choose at least one file to create.";
  }
  if (form.outputs.smart_health_link && [...form.label.trim()].length > LABEL_MAX) {
    problems.label = `Keep the label to ${LABEL_MAX} characters.`;
  }
  const url = form.outputs.smart_health_link ? baseUrlProblem(form.baseUrl) : null;
  if (url) {
    problems.baseUrl = url;
  }
  return problems;
}

/** The request `share_create` gets. */
export function shareRequest(selection: SelectionForm, details: DetailsForm, outDir: string): ShareRequest {
  const shl = details.outputs.smart_health_link;
  const days = Number.parseInt(details.expiresInDays, 10);
  return {
    selection: selectionFor(selection),
    recipient: details.recipient.trim(),
    purpose: details.purpose.trim(),
    out_dir: outDir,
    outputs: { ...details.outputs },
    label: shl && details.label.trim() !== "" ? details.label.trim() : null,
    expires_in_days: shl && Number.isInteger(days) && days > 0 ? days : null,
    passcode: false,
    base_url: shl && details.baseUrl.trim() !== "" ? details.baseUrl.trim() : null,
  };
}
