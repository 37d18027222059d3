import { describe, expect, it } from "vitest";

import { isIpcError, settle, toIpcError } from "./errors";

describe("isIpcError", () => {
  it("accepts a {code, message} object", () => {
    expect(isIpcError({ code: "wrong_passphrase", message: "Wrong passphrase." })).toBe(true);
  });

  it("rejects anything else", () => {
    for (const v of [null, undefined, "text", 42, {}, { code: "x" }, { message: "m" }, { code: "", message: "m" }, { code: 1, message: "m" }]) {
      expect(isIpcError(v)).toBe(false);
    }
  });
});

describe("toIpcError", () => {
  it("keeps an IpcError's code and message and drops extra fields", () => {
    expect(toIpcError({ code: "not_fhir", message: "a.json is not a FHIR file.", extra: 1 })).toEqual({
      code: "not_fhir",
      message: "a.json is not a FHIR file.",
    });
  });

  it("turns a plain string rejection into an internal error", () => {
    expect(toIpcError("command import_files not found")).toEqual({
      code: "internal",
      message: "command import_files not found",
    });
  });

  it("turns an Error into an internal error with its message", () => {
    expect(toIpcError(new TypeError("window.__TAURI_INTERNALS__ is undefined"))).toEqual({
      code: "internal",
      message: "window.__TAURI_INTERNALS__ is undefined",
    });
  });

  it("stringifies anything else", () => {
    expect(toIpcError(undefined)).toEqual({ code: "internal", message: "undefined" });
    expect(toIpcError({ code: 5 })).toEqual({ code: "internal", message: "[object Object]" });
  });
});

describe("settle", () => {
  it("wraps a value", async () => {
    await expect(settle(() => Promise.resolve(3))).resolves.toEqual({ ok: true, value: 3 });
  });

  it("wraps a rejection as a typed error and never rejects", async () => {
    const err = { code: "vault_locked", message: "The vault is locked." };
    await expect(settle(() => Promise.reject(err))).resolves.toEqual({ ok: false, error: err });
    await expect(
      settle(() => {
        throw new Error("boom");
      }),
    ).resolves.toEqual({ ok: false, error: { code: "internal", message: "boom" } });
  });
});
