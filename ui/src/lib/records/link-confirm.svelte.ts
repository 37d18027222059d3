// The confirmation step before a link from a record opens in the system browser.

import { openExternalLink, type IpcError, type IpcResult } from "../ipc";
import { classifyLink, type LinkAction } from "./links";

/** A link waiting for the patient's answer. */
export interface PendingLink {
  url: string;
  host: string;
}

/**
 * The confirmation step: `request` takes a link to open, a web link waits in
 * `pending` until `confirm` (opens it in the system browser) or `cancel`.
 */
export class LinkConfirm {
  pending: PendingLink | null = $state(null);
  /** Why the last link was not opened (refused, or the browser could not start). */
  notice: string | null = $state(null);
  readonly #open: (url: string) => Promise<IpcResult<null>>;

  constructor(open: (url: string) => Promise<IpcResult<null>> = openExternalLink) {
    this.#open = open;
  }

  /** Takes a link the patient asked to open; returns how it was classified. */
  request(href: string | null | undefined): LinkAction {
    const action = classifyLink(href);
    this.notice = null;
    if (action.kind === "external") {
      this.pending = { url: action.url, host: action.host };
    } else if (action.kind === "blocked") {
      this.pending = null;
      this.notice = action.reason;
    }
    return action;
  }

  /** Opens the pending link in the system browser; resolves to the error, or null. */
  async confirm(): Promise<IpcError | null> {
    const link = this.pending;
    this.pending = null;
    if (!link) {
      return null;
    }
    const result = await this.#open(link.url);
    if (!result.ok) {
      this.notice = result.error.message;
      return result.error;
    }
    return null;
  }

  cancel(): void {
    this.pending = null;
  }
}
