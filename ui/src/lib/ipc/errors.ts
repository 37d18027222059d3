// The one error shape that crosses IPC, and how anything else is turned into it.
// Kept free of @tauri-apps/api so it can be unit-tested in plain Node.

import type { IpcError } from "./bindings/IpcError";

/** True when `value` is an `{ code, message }` object as every Ownchart command rejects with. */
export function isIpcError(value: unknown): value is IpcError {
  if (typeof value !== "object" || value === null) {
    return false;
  }
  const { code, message } = value as Record<string, unknown>;
  return typeof code === "string" && code.length > 0 && typeof message === "string";
}

/**
 * Any rejection as an `IpcError`. Tauri itself may reject with a plain string (an
 * unknown command, a missing permission, an argument that did not deserialize) and
 * a bug may throw an `Error`; those become `{ code: "internal", message }`.
 */
export function toIpcError(value: unknown): IpcError {
  if (isIpcError(value)) {
    return { code: value.code, message: value.message };
  }
  if (value instanceof Error) {
    return { code: "internal", message: value.message || String(value) };
  }
  return { code: "internal", message: String(value) };
}

/** The outcome of one command: its value, or the error it was refused with. */
export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcError };

/** Runs `call` and never rejects: failures come back as a typed `IpcError`. */
export async function settle<T>(call: () => Promise<T>): Promise<IpcResult<T>> {
  try {
    return { ok: true, value: await call() };
  } catch (e) {
    return { ok: false, error: toIpcError(e) };
  }
}
