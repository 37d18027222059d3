// A filtered, paged list of records (the timeline; a category's table): the
// filters the patient set, the pages loaded for them, and where the list was
// scrolled, kept while the patient looks at a record and comes back.

import type { IpcResult, RecordQuery } from "../ipc";
import { Debouncer, Pager, type Page } from "./pager.svelte";
import { copyFilters, emptyFilters, sameFilters, toQuery, type RecordFilters } from "./query";

/** How long the search waits after the last key press. */
export const SEARCH_DEBOUNCE_MS = 300;

export class FilteredList<T> {
  filters: RecordFilters = $state(emptyFilters());
  readonly pager = new Pager<T>();
  /** Where the list was scrolled (pixels), restored when its screen comes back. */
  scrollOffset = 0;
  /** Opaque to this class: the virtual list's measured sizes, for the same restore. */
  scrollCache: unknown = null;
  /** How many rows the list had when `scrollCache` was taken (it only fits that many). */
  scrollCacheRows = 0;

  readonly #fetch: (query: RecordQuery) => Promise<IpcResult<Page<T>>>;
  readonly #debounce: Debouncer;
  #applied: RecordFilters | null = null;

  constructor(fetch: (query: RecordQuery) => Promise<IpcResult<Page<T>>>, debounceMs = SEARCH_DEBOUNCE_MS) {
    this.#fetch = fetch;
    this.#debounce = new Debouncer(debounceMs);
  }

  /** Loads the first page unless the list already has its pages (coming back to the screen). */
  ensureLoaded(): Promise<void> {
    return this.#applied ? Promise.resolve() : this.apply();
  }

  /** Loads the first page for the current filters, unless they ask for what is already shown. */
  apply(): Promise<void> {
    this.#debounce.cancel();
    const filters = copyFilters(this.filters);
    if (this.#applied && sameFilters(this.#applied, filters) && !this.pager.error) {
      return Promise.resolve();
    }
    return this.#load(filters);
  }

  /** Starts over with the same filters (records were added or removed). */
  reload(): Promise<void> {
    this.#debounce.cancel();
    return this.#load(copyFilters(this.filters));
  }

  /** Records were added or removed: reloads a list already shown; others load fresh when first shown. */
  invalidate(): Promise<void> {
    return this.#applied ? this.reload() : Promise.resolve();
  }

  /** The search box changed: the query waits until typing pauses. */
  setText(text: string): void {
    this.filters.text = text;
    this.#debounce.call(() => void this.apply());
  }

  /** Any other filter changed: applied at once. */
  update(change: Partial<RecordFilters>): Promise<void> {
    Object.assign(this.filters, change);
    return this.apply();
  }

  /** Removes every filter. */
  clear(): Promise<void> {
    this.filters = emptyFilters();
    return this.apply();
  }

  #load(filters: RecordFilters): Promise<void> {
    this.#applied = filters;
    this.scrollOffset = 0;
    this.scrollCache = null;
    this.scrollCacheRows = 0;
    return this.pager.reset((cursor) => this.#fetch(toQuery(filters, cursor)));
  }
}
