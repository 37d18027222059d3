// A list loaded page by page with the core's keyset cursor (the timeline, a
// category table). A new query starts over; an answer to an older query that
// arrives late is dropped, so fast typing never shows stale results.

import type { IpcError, IpcResult } from "../ipc";

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
  total: number;
}

export type FetchPage<T> = (cursor: string | null) => Promise<IpcResult<Page<T>>>;

export class Pager<T> {
  /** Every item loaded so far, in order. */
  items: T[] = $state.raw([]);
  /** How many items the query matches in all; null before the first page. */
  total: number | null = $state(null);
  loading: boolean = $state(false);
  error: IpcError | null = $state(null);
  /** True when the last page has been loaded. */
  done: boolean = $state(false);

  #fetch: FetchPage<T> | null = null;
  #cursor: string | null = null;
  #generation = 0;

  /** Starts over with a new query and loads its first page. */
  async reset(fetch: FetchPage<T>): Promise<void> {
    this.#fetch = fetch;
    this.#generation += 1;
    this.#cursor = null;
    this.items = [];
    this.total = null;
    this.done = false;
    this.error = null;
    this.loading = false;
    await this.loadMore();
  }

  /** Loads the next page, unless one is loading or all are loaded. */
  async loadMore(): Promise<void> {
    const fetch = this.#fetch;
    if (!fetch || this.loading || this.done) {
      return;
    }
    const generation = this.#generation;
    this.loading = true;
    const result = await fetch(this.#cursor);
    if (generation !== this.#generation) {
      // A newer query took over meanwhile: its own load is (or was) running.
      return;
    }
    this.loading = false;
    if (!result.ok) {
      this.error = result.error;
      return;
    }
    const page = result.value;
    this.error = null;
    this.items = this.items.length === 0 ? page.items : [...this.items, ...page.items];
    this.total = page.total;
    this.#cursor = page.next_cursor;
    this.done = page.next_cursor === null || page.items.length === 0;
  }

  /** Tries the failed page again. */
  retry(): Promise<void> {
    this.error = null;
    return this.loadMore();
  }
}

/** Calls `run` once `delayMs` has passed without another `call` (the search box). */
export class Debouncer {
  #timer: ReturnType<typeof setTimeout> | null = null;
  readonly #delayMs: number;

  constructor(delayMs: number) {
    this.#delayMs = delayMs;
  }

  call(run: () => void): void {
    this.cancel();
    this.#timer = setTimeout(() => {
      this.#timer = null;
      run();
    }, this.#delayMs);
  }

  cancel(): void {
    if (this.#timer !== null) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
  }
}
