// Where the patient is in the open vault: the page chosen in the navigation,
// and on top of it the record, category or chart they opened, with Back.

export type Page =
  | "records"
  | "timeline"
  | "categories"
  | "charts"
  | "connect"
  | "connections"
  | "import"
  | "share"
  | "export"
  | "audit"
  | "settings";

export interface View {
  page: Page;
  /** The record open in the detail view, over the page. */
  record: string | null;
  /** The category table shown on the Categories page. */
  category: string | null;
  /** The series shown on the Charts page ("system|code"). */
  code: string | null;
}

/** Back goes at most this far. */
const HISTORY_LIMIT = 50;

export class Navigator {
  view: View = $state({ page: "records", record: null, category: null, code: null });
  #history: View[] = $state([]);
  readonly canGoBack: boolean = $derived(this.#history.length > 0);

  /** A page from the navigation: a fresh start, Back then has nowhere to go. */
  go(page: Page): void {
    this.#history = [];
    this.view = { ...this.view, page, record: null };
  }

  openRecord(key: string): void {
    if (this.view.record === key) {
      return;
    }
    this.#push({ ...this.view, record: key });
  }

  openCategory(category: string): void {
    this.#push({ ...this.view, page: "categories", category, record: null });
  }

  openChart(code: string): void {
    this.#push({ ...this.view, page: "charts", code, record: null });
  }

  /** The Categories or Charts page picking another entry: not a step Back returns to. */
  choose(change: Partial<Pick<View, "category" | "code">>): void {
    this.view = { ...this.view, ...change };
  }

  back(): void {
    const previous = this.#history.at(-1);
    if (previous) {
      this.#history = this.#history.slice(0, -1);
      this.view = previous;
    }
  }

  #push(next: View): void {
    this.#history = [...this.#history, this.view].slice(-HISTORY_LIMIT);
    this.view = next;
  }
}
