// The timeline's rows: the records newest first with a header before each new
// day. Clinical dates come as FHIR writes them ("2024", "2024-03", "2024-03-12",
// or an instant with its own offset); the day is taken as written, so a result
// taken late in the evening abroad is not moved to another day by the viewer's
// time zone.

import type { RecordItem } from "../ipc";

export type TimelineRow =
  | { kind: "header"; id: string; day: string | null; label: string; count: number }
  | { kind: "item"; id: string; item: RecordItem };

const DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** The day (or month, or year, for partial dates) a record belongs to; null when undated. */
export function dayOf(date: string | null): string | null {
  const m = date ? DATE.exec(date.trim()) : null;
  if (!m) {
    return null;
  }
  return [m[1], m[2], m[3]].filter((p) => p !== undefined).join("-");
}

/** "12 Mar 2024", "Mar 2024", "2024", or "No date". */
export function dayLabel(day: string | null): string {
  if (!day) {
    return "No date";
  }
  const [year, month, date] = day.split("-");
  const monthName = month ? MONTHS[Number(month) - 1] : undefined;
  if (month && !monthName) {
    return day;
  }
  if (date) {
    return `${Number(date)} ${monthName} ${year}`;
  }
  return monthName ? `${monthName} ${year}` : (year ?? day);
}

/** A record's date for a table cell or a line: the day as written, plus the time when there is one. */
export function recordDate(date: string | null): string {
  if (!date) {
    return "No date";
  }
  const day = dayLabel(dayOf(date));
  const time = /T(\d{2}:\d{2})/.exec(date);
  return time ? `${day}, ${time[1]}` : day;
}

/**
 * Items (already newest first) with a header before each new day. Each header
 * counts the records of its day among the items given.
 */
export function groupByDay(items: readonly RecordItem[]): TimelineRow[] {
  const rows: TimelineRow[] = [];
  let header: Extract<TimelineRow, { kind: "header" }> | null = null;
  for (const item of items) {
    const day = dayOf(item.date);
    if (!header || header.day !== day) {
      header = { kind: "header", id: `day:${day ?? "none"}:${rows.length}`, day, label: dayLabel(day), count: 0 };
      rows.push(header);
    }
    header.count += 1;
    rows.push({ kind: "item", id: `rec:${item.key}`, item });
  }
  return rows;
}
