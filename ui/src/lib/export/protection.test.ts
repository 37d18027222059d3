import { describe, expect, it } from "vitest";

import { emptyProtectionForm, protectionFor, protectionProblem, type ProtectionForm } from "./protection";

const form = (over: Partial<ProtectionForm>): ProtectionForm => ({ ...emptyProtectionForm(), ...over });

describe("export protection", () => {
  it("defaults to a passphrase, not a plain file", () => {
    const f = emptyProtectionForm();
    expect(f.mode).toBe("passphrase");
    expect(f.acknowledged).toBe(false);
    expect(protectionFor(f)).toBeNull();
  });

  it("wants a passphrase of at least 8 characters, counted as characters", () => {
    expect(protectionProblem(form({ passphrase: "short", confirm: "short" }))).toEqual({
      field: "passphrase",
      message: "Use at least 8 characters.",
    });
    // Seven emoji are seven characters, not fourteen UTF-16 units.
    const seven = "🔒🔒🔒🔒🔒🔒🔒";
    expect(protectionProblem(form({ passphrase: seven, confirm: seven }))?.field).toBe("passphrase");
    expect(protectionProblem(form({ passphrase: `${seven}🔒`, confirm: `${seven}🔒` }))).toBeNull();
  });

  it("wants the passphrase typed twice the same", () => {
    expect(protectionProblem(form({ passphrase: "correct horse", confirm: "correct hose" }))).toEqual({
      field: "confirm",
      message: "The two passphrases do not match.",
    });
  });

  it("sends the passphrase when both match", () => {
    expect(protectionFor(form({ passphrase: "correct horse", confirm: "correct horse" }))).toEqual({
      mode: "passphrase",
      passphrase: "correct horse",
    });
  });

  it("refuses a plain file until the warning is acknowledged", () => {
    expect(protectionProblem(form({ mode: "plaintext" }))?.field).toBe("acknowledged");
    expect(protectionFor(form({ mode: "plaintext" }))).toBeNull();
    expect(protectionFor(form({ mode: "plaintext", acknowledged: true }))).toEqual({
      mode: "plaintext",
      acknowledged: true,
    });
  });

  it("ignores a passphrase left in the form once a plain file is chosen", () => {
    const p = protectionFor(form({ mode: "plaintext", acknowledged: true, passphrase: "x" }));
    expect(p).toEqual({ mode: "plaintext", acknowledged: true });
  });
});
