import { describe, expect, it, vi } from "vitest";

import type { ImportProgress, ImportReport, IpcResult } from "../ipc";
import { ImportFlow, vaultUnchangedAfter, type ImportCalls } from "./import-flow.svelte";

const report: ImportReport = {
  files: [
    {
      file: "/tmp/my-records.json",
      format: "Bundle (collection)",
      fhir_version: "R4",
      resources: 500,
      added: 500,
      updated: 0,
      unchanged: 0,
      note: null,
    },
  ],
  resources: 500,
  added: 500,
  updated: 0,
  unchanged: 0,
};

const progress = (done: number): ImportProgress => ({
  phase: "writing",
  file_index: 0,
  files_total: 1,
  file: "/tmp/my-records.json",
  resources_done: done,
  resources_total: 500,
});

function calls(choose: IpcResult<string[]>, run?: ImportCalls["run"]): ImportCalls {
  return {
    choose: () => Promise.resolve(choose),
    run: run ?? (() => Promise.resolve({ ok: true, value: report })),
  };
}

describe("ImportFlow", () => {
  it("does nothing visible when the patient cancels the dialog", async () => {
    const run = vi.fn<ImportCalls["run"]>();
    const refresh = vi.fn(() => Promise.resolve());
    const flow = new ImportFlow(refresh, calls({ ok: true, value: [] }, run));
    await flow.start();
    expect(flow.state).toEqual({ kind: "idle" });
    expect(run).not.toHaveBeenCalled();
    expect(refresh).not.toHaveBeenCalled();
  });

  it("reports progress, refreshes the overview, then shows the report", async () => {
    const seen: string[] = [];
    const flow = new ImportFlow(
      () => {
        seen.push(`refresh while ${flow.state.kind}`);
        return Promise.resolve();
      },
      calls({ ok: true, value: ["/tmp/my-records.json"] }, (paths, onProgress) => {
        expect(paths).toEqual(["/tmp/my-records.json"]);
        onProgress(progress(250));
        seen.push(`progress ${flow.state.kind === "running" ? flow.state.progress?.resources_done : "-"}`);
        return Promise.resolve({ ok: true, value: report });
      }),
    );
    await flow.start();
    expect(seen).toEqual(["progress 250", "refresh while running"]);
    expect(flow.state).toEqual({ kind: "done", report });
    expect(flow.busy).toBe(false);
  });

  it("ignores progress that arrives after the result", async () => {
    let late: ((p: ImportProgress) => void) | undefined;
    const flow = new ImportFlow(
      () => Promise.resolve(),
      calls({ ok: true, value: ["/a.json"] }, (_paths, onProgress) => {
        late = onProgress;
        return Promise.resolve({ ok: true, value: report });
      }),
    );
    await flow.start();
    late?.(progress(1));
    expect(flow.state.kind).toBe("done");
  });

  it("shows the error of a refused import and does not refresh", async () => {
    const refresh = vi.fn(() => Promise.resolve());
    const error = { code: "not_fhir", message: "a.json is not a FHIR file. Nothing was imported." };
    const flow = new ImportFlow(
      refresh,
      calls({ ok: true, value: ["/a.json"] }, () => Promise.resolve({ ok: false, error })),
    );
    await flow.start();
    expect(flow.state).toEqual({ kind: "failed", error });
    expect(refresh).not.toHaveBeenCalled();
  });

  it("shows a dialog failure as an error", async () => {
    const error = { code: "internal", message: "no dialog" };
    const flow = new ImportFlow(() => Promise.resolve(), calls({ ok: false, error }));
    await flow.start();
    expect(flow.state).toEqual({ kind: "failed", error });
  });

  it("dismisses a result", async () => {
    const flow = new ImportFlow(() => Promise.resolve(), calls({ ok: true, value: ["/a.json"] }));
    await flow.start();
    flow.dismiss();
    expect(flow.state).toEqual({ kind: "idle" });
  });
});

describe("ImportFlow restoring an encrypted export", () => {
  const required = { code: "export_passphrase_required", message: "This export is protected with a passphrase." };
  const wrong = { code: "export_passphrase_wrong", message: "That passphrase does not open this export." };

  it("imports without a passphrase first", async () => {
    const run = vi.fn<ImportCalls["run"]>(() => Promise.resolve({ ok: true, value: report }));
    await new ImportFlow(() => Promise.resolve(), calls({ ok: true, value: ["/a.json"] }, run)).start();
    expect(run).toHaveBeenCalledWith(["/a.json"], expect.any(Function), { passphrase: null });
  });

  it("asks for the passphrase, then retries the same files with it", async () => {
    const run = vi
      .fn<ImportCalls["run"]>()
      .mockResolvedValueOnce({ ok: false, error: required })
      .mockResolvedValueOnce({ ok: true, value: report });
    const refresh = vi.fn(() => Promise.resolve());
    const flow = new ImportFlow(refresh, calls({ ok: true, value: ["/b/export.zip.age"] }, run));
    await flow.start();
    expect(flow.state).toEqual({ kind: "passphrase", files: ["/b/export.zip.age"], wrong: false });
    expect(flow.busy).toBe(false);
    expect(refresh).not.toHaveBeenCalled();
    await flow.unlock("violet tractor");
    expect(run).toHaveBeenLastCalledWith(["/b/export.zip.age"], expect.any(Function), { passphrase: "violet tractor" });
    expect(flow.state).toEqual({ kind: "done", report });
    expect(refresh).toHaveBeenCalledTimes(1);
  });

  it("says when the passphrase was wrong and asks again", async () => {
    const run = vi
      .fn<ImportCalls["run"]>()
      .mockResolvedValueOnce({ ok: false, error: required })
      .mockResolvedValueOnce({ ok: false, error: wrong });
    const flow = new ImportFlow(() => Promise.resolve(), calls({ ok: true, value: ["/e.zip.age"] }, run));
    await flow.start();
    await flow.unlock("nope");
    expect(flow.state).toEqual({ kind: "passphrase", files: ["/e.zip.age"], wrong: true });
    expect(vaultUnchangedAfter(wrong)).toBe(true);
  });

  it("can be cancelled, and does nothing when no passphrase was asked for", async () => {
    const run = vi.fn<ImportCalls["run"]>().mockResolvedValueOnce({ ok: false, error: required });
    const flow = new ImportFlow(() => Promise.resolve(), calls({ ok: true, value: ["/e.zip.age"] }, run));
    await flow.start();
    flow.dismiss();
    expect(flow.state).toEqual({ kind: "idle" });
    await flow.unlock("late");
    expect(run).toHaveBeenCalledTimes(1);
  });
});

describe("vaultUnchangedAfter", () => {
  it("is true for failures found while checking, false otherwise", () => {
    for (const code of ["malformed_file", "not_fhir", "empty_file", "file_too_large", "unreadable_file", "vault_locked"]) {
      expect(vaultUnchangedAfter({ code, message: "" })).toBe(true);
    }
    expect(vaultUnchangedAfter({ code: "io", message: "" })).toBe(false);
  });
});
