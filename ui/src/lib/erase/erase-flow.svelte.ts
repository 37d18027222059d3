// "Delete everything": the typed confirmation, the erase itself (the Rust side
// asks once more in a native dialog, then revokes portal access and deletes), and
// its report. Afterwards the app goes back to its first run.

import { eraseEverything, type EraseReport, type IpcError, type IpcResult } from "../ipc";

/** The word the patient types to confirm. */
export const CONFIRMATION_WORD = "DELETE";

/** Whether what the patient typed confirms the erase (exactly the word, in capitals). */
export function confirmationMatches(typed: string): boolean {
  return typed.trim() === CONFIRMATION_WORD;
}

export type EraseState =
  | { kind: "idle" }
  | { kind: "erasing" }
  /** The patient said no in the native dialog: nothing was deleted. */
  | { kind: "cancelled" }
  | { kind: "done"; report: EraseReport }
  | { kind: "failed"; error: IpcError };

export type EraseCall = (confirmation: string) => Promise<IpcResult<EraseReport>>;

export class EraseFlow {
  typed: string = $state("");
  /** "Delete" was pressed once: a wrong word is pointed out from then on. */
  tried: boolean = $state(false);
  state: EraseState = $state({ kind: "idle" });
  readonly matches: boolean = $derived(confirmationMatches(this.typed));
  readonly busy: boolean = $derived(this.state.kind === "erasing");

  readonly #erase: EraseCall;

  constructor(erase: EraseCall = eraseEverything) {
    this.#erase = erase;
  }

  /** Erases, if the word was typed. */
  async erase(): Promise<void> {
    if (this.busy || this.state.kind === "done") {
      return;
    }
    this.tried = true;
    if (!this.matches) {
      return;
    }
    this.state = { kind: "erasing" };
    const result = await this.#erase(CONFIRMATION_WORD);
    if (result.ok) {
      this.typed = "";
      this.state = { kind: "done", report: result.value };
    } else if (result.error.code === "erase_cancelled") {
      this.state = { kind: "cancelled" };
    } else {
      this.state = { kind: "failed", error: result.error };
    }
  }

  /** Back to the start (the patient changed their mind). */
  reset(): void {
    if (this.busy || this.state.kind === "done") {
      return;
    }
    this.typed = "";
    this.tried = false;
    this.state = { kind: "idle" };
  }
}

/** How a portal's revocation went, as the report shows it. */
export function revocationView(outcome: string): { text: string; tone: "success" | "warning" | "error" } {
  if (outcome === "revoked") {
    return { text: "Access revoked", tone: "success" };
  }
  if (outcome === "not supported") {
    return {
      text: "This portal does not offer revocation: end Ownchart's access in the portal's own settings.",
      tone: "warning",
    };
  }
  const reason = outcome.startsWith("failed:") ? outcome.slice("failed:".length).trim() : outcome;
  return {
    text: `Not revoked${reason && reason !== "failed" ? ` (${reason})` : ""}: end Ownchart's access in the portal's own settings.`,
    tone: "error",
  };
}
