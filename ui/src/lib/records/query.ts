// The filters the patient sets on the timeline (and the category tables), and the
// RecordQuery they become. Kept apart from the screens so the rules are tested.

import type { RecordQuery } from "../ipc";

/** Records asked for per page: a screenful many times over, far under the core's cap of 500. */
export const PAGE_SIZE = 200;

export interface RecordFilters {
  /** Category keys; none = every category. */
  categories: string[];
  /** `import` or `connection:<id>`; none = every source. */
  sources: string[];
  /** `YYYY-MM-DD` from a date input, or "" for no bound. */
  from: string;
  to: string;
  /** What the patient typed in the search box. */
  text: string;
}

export function emptyFilters(): RecordFilters {
  return { categories: [], sources: [], from: "", to: "", text: "" };
}

/** A plain copy, detached from any reactive state (kept as what was last asked). */
export function copyFilters(f: RecordFilters): RecordFilters {
  return { categories: [...f.categories], sources: [...f.sources], from: f.from, to: f.to, text: f.text };
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A date input's value as a query bound: only a whole, real day counts. */
export function dayBound(value: string): string | null {
  const v = value.trim();
  if (!DAY.test(v)) {
    return null;
  }
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(v) ? v : null;
}

/** The search text as sent: words separated by single spaces; blank means no search. */
export function searchText(value: string): string | null {
  const words = value.trim().split(/\s+/u).filter((w) => w.length > 0);
  return words.length > 0 ? words.join(" ") : null;
}

/**
 * The query for one page. Bounds given the wrong way round are swapped, since the
 * patient plainly meant the days between them.
 */
export function toQuery(filters: RecordFilters, cursor: string | null = null, limit = PAGE_SIZE): RecordQuery {
  let from = dayBound(filters.from);
  let to = dayBound(filters.to);
  if (from && to && from > to) {
    [from, to] = [to, from];
  }
  return {
    categories: [...new Set(filters.categories)],
    sources: [...new Set(filters.sources)],
    from,
    to,
    text: searchText(filters.text),
    cursor,
    limit,
  };
}

/** Whether any filter narrows the records (the empty state then says so). */
export function isFiltered(filters: RecordFilters): boolean {
  const q = toQuery(filters);
  return q.categories.length > 0 || q.sources.length > 0 || q.from !== null || q.to !== null || q.text !== null;
}

/** Whether two filter sets ask for the same records (a change that does not is no reason to reload). */
export function sameFilters(a: RecordFilters, b: RecordFilters): boolean {
  const qa = toQuery(a);
  const qb = toQuery(b);
  const set = (xs: string[]) => [...xs].sort().join("\u0000");
  return (
    set(qa.categories) === set(qb.categories) &&
    set(qa.sources) === set(qb.sources) &&
    qa.from === qb.from &&
    qa.to === qb.to &&
    qa.text === qb.text
  );
}
