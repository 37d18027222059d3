// The export form's choice of protection, its checks, and what it sends.

import type { ExportProtection } from "../ipc";
import { PASSPHRASE_MIN_LENGTH } from "../format/vault";

export type ProtectionChoice = "passphrase" | "plaintext";

/** The export form as the patient fills it in. */
export interface ProtectionForm {
  mode: ProtectionChoice;
  passphrase: string;
  confirm: string;
  /** The plaintext warning was read and accepted. */
  acknowledged: boolean;
}

export function emptyProtectionForm(): ProtectionForm {
  // A passphrase is the default: a plain file is a choice the patient makes on purpose.
  return { mode: "passphrase", passphrase: "", confirm: "", acknowledged: false };
}

/** Which field a problem belongs to, so the form can show it there and focus it. */
export type ProtectionField = "passphrase" | "confirm" | "acknowledged";

export interface ProtectionProblem {
  field: ProtectionField;
  message: string;
}

/** Why the export cannot start yet, or null when it can. */
export function protectionProblem(form: ProtectionForm): ProtectionProblem | null {
  if (form.mode === "plaintext") {
    return form.acknowledged
      ? null
      : {
          field: "acknowledged",
          message: "Tick the box to confirm that you want a file anyone can read.",
        };
  }
  if ([...form.passphrase].length < PASSPHRASE_MIN_LENGTH) {
    return { field: "passphrase", message: `Use at least ${PASSPHRASE_MIN_LENGTH} characters.` };
  }
  if (form.passphrase !== form.confirm) {
    return { field: "confirm", message: "The two passphrases do not match." };
  }
  return null;
}

/** The protection to send, or null while the form has a problem. */
export function protectionFor(form: ProtectionForm): ExportProtection | null {
  if (protectionProblem(form) !== null) {
    return null;
  }
  return form.mode === "passphrase"
    ? { mode: "passphrase", passphrase: form.passphrase }
    : { mode: "plaintext", acknowledged: true };
}
