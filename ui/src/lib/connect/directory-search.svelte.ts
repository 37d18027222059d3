// The directory search as reactive state: typed text is searched after a short
// pause, a filter change at once, and an answer that arrives after a newer
// question was asked is dropped.

import {
  directorySearch,
  integratorDirectorySearch,
  type DirectoryEntry,
  type IntegratorSearchResult,
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
/** The integrator's directory for the same query (seed 002); its results are shown beside. */
export type IntegratorSearchFn = (query: DirectoryQuery) => Promise<IpcResult<IntegratorSearchResult>>;

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
  /** The integrator's answer to the same question; null without an account or before it came. */
  integrator: IntegratorSearchResult | null = $state(null);

  readonly #search: SearchFn;
  readonly #integrator: IntegratorSearchFn | null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #asked = 0;

  constructor(search: SearchFn = directorySearch, integrator: IntegratorSearchFn | null = null) {
    this.#search = search;
    // The app's own search asks the integrator too; a test's fake search does not.
    this.#integrator = integrator ?? (search === directorySearch ? integratorDirectorySearch : null);
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
    const query: DirectoryQuery = {
      text: text.trim(),
      kind: this.kind === "all" ? null : this.kind,
      limit: SEARCH_LIMIT,
    };
    void this.#askIntegrator(query, asked);
    const answer = await this.#search(query);
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

  /** The integrator's part, which may come later than the local directory's. */
  async #askIntegrator(query: DirectoryQuery, asked: number): Promise<void> {
    if (this.#integrator === null) {
      return;
    }
    const answer = await this.#integrator(query);
    if (asked !== this.#asked) {
      return;
    }
    this.integrator = answer.ok && answer.value.configured ? answer.value : null;
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
