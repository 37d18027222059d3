import { describe, expect, it, vi } from "vitest";

import type { ExportProgress, ExportReport, IpcResult } from "../ipc";
import { ExportFlow, type ExportCalls } from "./export-flow.svelte";

const report: ExportReport = {
  path: "/home/pat/ownchart-export-2026-03-12.zip.age",
  bytes: 123_456,
  encrypted: true,
  resources: 500,
  versions: 3,
  attachments: 2,
  counts: [{ resource_type: "Observation", count: 300 }],
  sha256: "ab".repeat(32),
  ledger_seq: 7,
  cloud_sync_folder: null,
};

function calls(path: IpcResult<string | null>, run?: ExportCalls["run"]): ExportCalls & { runs: ExportCalls["run"] } {
  const runs = vi.fn<ExportCalls["run"]>(run ?? (() => Promise.resolve({ ok: true, value: report })));
  return { choose: vi.fn(() => Promise.resolve(path)), run: runs, runs };
}

const passphrase = { mode: "passphrase", passphrase: "violet tractor mango" } as const;
const plain = { mode: "plaintext", acknowledged: true } as const;

describe("ExportFlow", () => {
  it("asks for a .age name when encrypting and sends the protection with the chosen path", async () => {
    const c = calls({ ok: true, value: report.path });
    const flow = new ExportFlow(c);
    await flow.start(passphrase);
    expect(c.choose).toHaveBeenCalledWith(true);
    expect(c.runs).toHaveBeenCalledWith({ path: report.path, protection: passphrase }, expect.any(Function));
    expect(flow.state).toEqual({ kind: "done", report });
    expect(flow.busy).toBe(false);
  });

  it("asks for a plain name for a plain file", async () => {
    const c = calls({ ok: true, value: "/home/pat/Documents/o.zip" });
    await new ExportFlow(c).start(plain);
    expect(c.choose).toHaveBeenCalledWith(false);
  });

  it("changes nothing when the save dialog is cancelled", async () => {
    const c = calls({ ok: true, value: null });
    const flow = new ExportFlow(c);
    await flow.start(passphrase);
    expect(flow.state).toEqual({ kind: "idle" });
    expect(c.runs).not.toHaveBeenCalled();
  });

  it("follows the phases, and drops progress that trails the result", async () => {
    let late: ((p: ExportProgress) => void) | undefined;
    const seen: string[] = [];
    const flow = new ExportFlow(
      calls({ ok: true, value: report.path }, (_req, onProgress) => {
        seen.push(flow.state.kind);
        onProgress({ phase: "resources", done: 10, total: 500 });
        const s = flow.state;
        seen.push(s.kind === "running" ? `${s.progress?.phase} ${s.progress?.done}` : s.kind);
        late = onProgress;
        return Promise.resolve({ ok: true, value: report });
      }),
    );
    await flow.start(passphrase);
    late?.({ phase: "finishing", done: 1, total: 1 });
    expect(seen).toEqual(["running", "resources 10"]);
    expect(flow.state.kind).toBe("done");
  });

  it("shows a refused export as an error", async () => {
    const error = { code: "io", message: "The disk is full. No file was written." };
    const flow = new ExportFlow(calls({ ok: true, value: report.path }, () => Promise.resolve({ ok: false, error })));
    await flow.start(passphrase);
    expect(flow.state).toEqual({ kind: "failed", error });
  });

  it("holds a plain file bound for a cloud-synced folder until the patient confirms", async () => {
    const path = "/home/pat/Dropbox/o.zip";
    const c = calls({ ok: true, value: path });
    const flow = new ExportFlow(c);
    await flow.start(plain);
    expect(flow.state).toEqual({ kind: "cloud", path, service: "Dropbox" });
    expect(c.runs).not.toHaveBeenCalled();
    await flow.saveInCloudFolder();
    expect(c.runs).toHaveBeenCalledWith({ path, protection: plain }, expect.any(Function));
    expect(flow.state.kind).toBe("done");
  });

  it("lets the patient choose another place instead", async () => {
    const c = calls({ ok: true, value: "/home/pat/Dropbox/o.zip" });
    const flow = new ExportFlow(c);
    await flow.start(plain);
    flow.dismiss();
    expect(flow.state).toEqual({ kind: "idle" });
    expect(c.runs).not.toHaveBeenCalled();
  });

  it("writes an encrypted file to a cloud folder without asking", async () => {
    const c = calls({ ok: true, value: "/home/pat/Dropbox/o.zip.age" });
    await new ExportFlow(c).start(passphrase);
    expect(c.runs).toHaveBeenCalledTimes(1);
  });

  it("runs one export at a time", async () => {
    let finish: ((r: IpcResult<ExportReport>) => void) | undefined;
    const c = calls({ ok: true, value: report.path }, () => new Promise((r) => (finish = r)));
    const flow = new ExportFlow(c);
    const first = flow.start(passphrase);
    await vi.waitFor(() => expect(flow.state.kind).toBe("running"));
    await flow.start(passphrase);
    expect(c.choose).toHaveBeenCalledTimes(1);
    finish?.({ ok: true, value: report });
    await first;
    expect(flow.state.kind).toBe("done");
  });
});
