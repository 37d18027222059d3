// Sharing with a clinician as a three-step wizard: (1) what to share, with a live
// preview of what it would hold; (2) who gets it, why, and which files; the
// folder dialog (in Rust), then the files; (3) the result. The choices survive a
// visit to another page (the wizard lives in the main shell).

import {
  shareChooseDir,
  shareCreate,
  sharePreview,
  type IpcError,
  type IpcResult,
  type SharePreview,
  type ShareReport,
  type ShareRequest,
  type ShareSelection,
} from "../ipc";
import { shareDraft, type ShareDraft } from "./share-draft.svelte";
import {
  ALL_CATEGORY_KEYS,
  detailsProblems,
  emptyDetails,
  selectionFor,
  selectionProblem,
  shareRequest,
  type DetailsField,
  type DetailsForm,
  type SelectionForm,
} from "./share-form";

export type ShareStep = "select" | "details" | "result";

/** The IPC calls a share makes; tests pass fakes. */
export interface ShareCalls {
  preview: (selection: ShareSelection) => Promise<IpcResult<SharePreview>>;
  chooseDir: () => Promise<IpcResult<string | null>>;
  create: (request: ShareRequest) => Promise<IpcResult<ShareReport>>;
}

const realCalls: ShareCalls = { preview: sharePreview, chooseDir: shareChooseDir, create: shareCreate };

export const PREVIEW_DEBOUNCE_MS = 250;

export class ShareWizard {
  step: ShareStep = $state("select");

  categories: string[] = $state([...ALL_CATEGORY_KEYS]);
  from: string = $state("");
  to: string = $state("");

  /** The preview of the selection as it was last asked; null before the first answer. */
  preview: SharePreview | null = $state(null);
  previewError: IpcError | null = $state(null);
  previewing: boolean = $state(false);
  /** The selection the shown preview answers (the form may already say more). */
  previewedFor: string = $state("");

  details: DetailsForm = $state(emptyDetails());
  /** Step 2 was submitted once: its problems are shown from then on. */
  triedDetails: boolean = $state(false);
  creating: "choosing" | "writing" | null = $state(null);
  createError: IpcError | null = $state(null);
  report: ShareReport | null = $state(null);

  readonly draft: ShareDraft;
  readonly #calls: ShareCalls;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #asked = 0;

  // `.by`: the draft is set in the constructor, after the field initialisers.
  readonly selectionForm: SelectionForm = $derived.by(() => ({
    categories: this.categories,
    from: this.from,
    to: this.to,
    items: this.draft.items,
  }));
  readonly selection: ShareSelection = $derived(selectionFor(this.selectionForm));
  readonly selectionKey: string = $derived(JSON.stringify(this.selection));
  readonly selectionError: string | null = $derived(selectionProblem(this.selectionForm));
  /** The preview shown belongs to the selection as it stands now. */
  readonly previewCurrent: boolean = $derived(this.preview !== null && this.previewedFor === this.selectionKey);
  /** Step 1 can go on: a valid selection whose current preview has something in it. */
  readonly canContinue: boolean = $derived(
    this.selectionError === null && this.previewCurrent && (this.preview?.total ?? 0) > 0,
  );
  readonly detailsErrors: Partial<Record<DetailsField, string>> = $derived(detailsProblems(this.details));

  constructor(calls: ShareCalls = realCalls, draft: ShareDraft = shareDraft) {
    this.#calls = calls;
    this.draft = draft;
  }

  /** The selection changed: a new preview once the patient pauses. */
  selectionChanged(): void {
    this.#cancelTimer();
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.refreshPreview();
    }, PREVIEW_DEBOUNCE_MS);
  }

  /** Asks for the preview of the selection as it stands now. */
  async refreshPreview(): Promise<void> {
    this.#cancelTimer();
    if (this.selectionError !== null) {
      // Nothing valid to preview: say so instead of showing an old answer as current.
      this.#asked++;
      this.previewing = false;
      return;
    }
    const asked = ++this.#asked;
    const key = this.selectionKey;
    this.previewing = true;
    const answer = await this.#calls.preview(this.selection);
    if (asked !== this.#asked) {
      return;
    }
    this.previewing = false;
    if (answer.ok) {
      this.preview = answer.value;
      this.previewedFor = key;
      this.previewError = null;
    } else {
      this.previewError = answer.error;
    }
  }

  selectAll(): void {
    this.categories = [...ALL_CATEGORY_KEYS];
    this.selectionChanged();
  }

  selectNone(): void {
    this.categories = [];
    this.selectionChanged();
  }

  /** Forgets the records picked one by one: categories and dates apply again. */
  clearItems(): void {
    this.draft.clear();
    this.selectionChanged();
  }

  /** Step 1 → 2, when the selection can be shared. */
  next(): boolean {
    if (!this.canContinue) {
      return false;
    }
    this.step = "details";
    return true;
  }

  back(): void {
    if (this.creating === null) {
      this.createError = null;
      this.step = "select";
    }
  }

  /**
   * Step 2's "Create": checks the form, asks for the folder (cancelling changes
   * nothing), then writes the files. True once the result is there.
   */
  async create(): Promise<boolean> {
    if (this.creating !== null) {
      return false;
    }
    this.triedDetails = true;
    this.createError = null;
    if (Object.keys(this.detailsErrors).length > 0 || this.selectionError !== null) {
      return false;
    }
    this.creating = "choosing";
    const chosen = await this.#calls.chooseDir();
    if (!chosen.ok || chosen.value === null) {
      this.creating = null;
      this.createError = chosen.ok ? null : chosen.error;
      return false;
    }
    this.creating = "writing";
    const result = await this.#calls.create(shareRequest(this.selectionForm, this.details, chosen.value));
    this.creating = null;
    if (!result.ok) {
      this.createError = result.error;
      return false;
    }
    this.report = result.value;
    this.step = "result";
    return true;
  }

  /** After a result: a new share with the same records, for someone else. */
  startOver(): void {
    this.report = null;
    this.details = emptyDetails();
    this.triedDetails = false;
    this.createError = null;
    this.step = "select";
    void this.refreshPreview();
  }

  /** Stops a pending preview (the screen is going away). */
  stop(): void {
    this.#cancelTimer();
    this.#asked++;
    this.previewing = false;
  }

  #cancelTimer(): void {
    if (this.#timer !== null) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
  }
}
