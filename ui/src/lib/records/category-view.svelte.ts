// The category tables: one filtered, paged list per category, kept while the
// patient moves between categories and records, with the columns the core
// chose for that category.

import { recordsCategory, type CategoryRow, type CategoryTable, type Column, type IpcResult, type RecordQuery } from "../ipc";
import { FilteredList } from "./filtered-list.svelte";

export type FetchCategory = (category: string, query: RecordQuery) => Promise<IpcResult<CategoryTable>>;

export class CategoryView {
  columns: Column[] = $state([]);
  label: string = $state("");
  readonly list: FilteredList<CategoryRow>;

  constructor(
    readonly category: string,
    fetch: FetchCategory = recordsCategory,
  ) {
    this.list = new FilteredList(async (query) => {
      const result = await fetch(category, query);
      if (!result.ok) {
        return result;
      }
      const table = result.value;
      this.columns = table.columns;
      this.label = table.label;
      return { ok: true, value: { items: table.rows, next_cursor: table.next_cursor, total: table.total } };
    });
  }
}

export class CategoryViews {
  // Not reactive on purpose: a view's own state is; which views exist is not shown.
  #views: Record<string, CategoryView> = {};
  readonly #fetch: FetchCategory;

  constructor(fetch: FetchCategory = recordsCategory) {
    this.#fetch = fetch;
  }

  get(category: string): CategoryView {
    const known = Object.hasOwn(this.#views, category) ? this.#views[category] : undefined;
    if (known) {
      return known;
    }
    const view = new CategoryView(category, this.#fetch);
    this.#views[category] = view;
    return view;
  }

  /** Records were added or removed: every table loads again when next shown. */
  clear(): void {
    this.#views = {};
  }
}

/** The CSS class that gives a table its number of columns (1 to 10; wider tables scroll). */
export function columnsClass(count: number): string {
  return `cols-${Math.min(Math.max(count, 1), 10)}`;
}
