// The directory search as reactive state: typed text is searched after a short
// pause, a filter change at once, and an answer that arrives after a newer
// question was asked is dropped.

import {
  directorySearch,
  type DirectoryEntry,
  type DirectoryQuery,
  type DirectorySearchResult,
  type IpcError,
  type IpcResult,
  type PortalKind,
} from "../ipc";
import { demoFirst } from "../format/connections";

/** "all" or one portal kind, as the filter offers them. */
export type KindFilter = "all" | PortalKind;

export const SEARCH_DEBOUNCE_MS = 250;
export const SEARCH_LIMIT = 50;

export type SearchFn = (query: DirectoryQuery) => Promise<IpcResult<DirectorySearchResult>>;

export class DirectorySearch {
  text: string = $state("");
  kind: KindFilter = $state("all");
  /** The last answer, with the demo portal first; null before the first one. */
  result: DirectorySearchResult | null = $state(null);
  /** The text the shown result answers (the box may already say more). */
  answeredText: string = $state("");
  error: IpcError | null = $state(null);
  searching: boolean = $state(false);
  /** The built-in demo portal, as the directory last described it. */
  demo: DirectoryEntry | null = $state(null);

  readonly #search: SearchFn;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #asked = 0;

  constructor(search: SearchFn = directorySearch) {
    this.#search = search;
  }

  /** The text changed: searches once typing pauses. */
  typed(): void {
    this.#cancelTimer();
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.run();
    }, SEARCH_DEBOUNCE_MS);
  }

  /** Searches now for the current text and filter. */
  async run(): Promise<void> {
    this.#cancelTimer();
    const asked = ++this.#asked;
    const text = this.text;
    this.searching = true;
    const answer = await this.#search({
      text: text.trim(),
      kind: this.kind === "all" ? null : this.kind,
      limit: SEARCH_LIMIT,
    });
    if (asked !== this.#asked) {
      return;
    }
    this.searching = false;
    if (!answer.ok) {
      this.error = answer.error;
      return;
    }
    this.error = null;
    this.answeredText = text;
    this.result = { ...answer.value, entries: demoFirst(answer.value.entries) };
    this.demo = answer.value.entries.find((e) => e.demo) ?? this.demo;
  }

  /** Stops a pending search (the screen is going away). */
  stop(): void {
    this.#cancelTimer();
    this.#asked++;
  }

  #cancelTimer(): void {
    if (this.#timer !== null) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
  }
}
