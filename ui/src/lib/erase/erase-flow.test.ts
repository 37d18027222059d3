import { describe, expect, it, vi } from "vitest";

import type { EraseReport, IpcResult } from "../ipc";
import { confirmationMatches, EraseFlow, revocationView, type EraseCall } from "./erase-flow.svelte";

const report: EraseReport = {
  revocations: [{ connection: "Demo portal", outcome: "revoked" }],
  files_removed: 4,
  ledger_seq: 12,
};

const answering = (r: IpcResult<EraseReport>) => vi.fn<EraseCall>(() => Promise.resolve(r));

describe("erase confirmation", () => {
  it("wants exactly DELETE, in capitals", () => {
    expect(confirmationMatches("DELETE")).toBe(true);
    expect(confirmationMatches(" DELETE ")).toBe(true);
    for (const typed of ["", "delete", "Delete", "DELET", "DELETE!", "DELETE EVERYTHING"]) {
      expect(confirmationMatches(typed), typed).toBe(false);
    }
  });

  it("calls nothing until the word is typed", async () => {
    const erase = answering({ ok: true, value: report });
    const flow = new EraseFlow(erase);
    flow.typed = "delete";
    await flow.erase();
    expect(erase).not.toHaveBeenCalled();
    expect(flow.tried).toBe(true);
    expect(flow.state).toEqual({ kind: "idle" });
  });

  it("erases with the word and shows the report", async () => {
    const erase = answering({ ok: true, value: report });
    const flow = new EraseFlow(erase);
    flow.typed = "DELETE";
    await flow.erase();
    expect(erase).toHaveBeenCalledWith("DELETE");
    expect(flow.state).toEqual({ kind: "done", report });
    expect(flow.typed).toBe("");
    // Done is final: the app leaves for its first run from here.
    await flow.erase();
    flow.reset();
    expect(erase).toHaveBeenCalledTimes(1);
    expect(flow.state.kind).toBe("done");
  });

  it("says nothing was deleted when the native dialog was answered no", async () => {
    const flow = new EraseFlow(answering({ ok: false, error: { code: "erase_cancelled", message: "Cancelled." } }));
    flow.typed = "DELETE";
    await flow.erase();
    expect(flow.state).toEqual({ kind: "cancelled" });
  });

  it("shows a failure and can be tried again", async () => {
    const error = { code: "io", message: "vault.db could not be removed." };
    const erase = vi
      .fn<EraseCall>()
      .mockResolvedValueOnce({ ok: false, error })
      .mockResolvedValueOnce({ ok: true, value: report });
    const flow = new EraseFlow(erase);
    flow.typed = "DELETE";
    await flow.erase();
    expect(flow.state).toEqual({ kind: "failed", error });
    await flow.erase();
    expect(flow.state.kind).toBe("done");
  });

  it("erases once however often the button is pressed", async () => {
    let finish: ((r: IpcResult<EraseReport>) => void) | undefined;
    const erase = vi.fn<EraseCall>(() => new Promise((r) => (finish = r)));
    const flow = new EraseFlow(erase);
    flow.typed = "DELETE";
    const first = flow.erase();
    expect(flow.busy).toBe(true);
    await flow.erase();
    finish?.({ ok: true, value: report });
    await first;
    expect(erase).toHaveBeenCalledTimes(1);
  });
});

describe("revocationView", () => {
  it("words each outcome", () => {
    expect(revocationView("revoked")).toEqual({ text: "Access revoked", tone: "success" });
    expect(revocationView("not supported").tone).toBe("warning");
    const failed = revocationView("failed: the portal did not answer");
    expect(failed.tone).toBe("error");
    expect(failed.text).toContain("(the portal did not answer)");
  });
});
