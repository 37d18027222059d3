import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import type { IpcResult, SharePreview, ShareReport, ShareSelection } from "../ipc";
import { ShareDraft } from "./share-draft.svelte";
import { PREVIEW_DEBOUNCE_MS, ShareWizard, type ShareCalls } from "./share-wizard.svelte";

function preview(total: number): SharePreview {
  return {
    counts: [{ category: "labs", label: "Lab results", count: total }],
    total,
    sections: [{ code: "11450-4", title: "Problems", count: 0, required: true }],
    patient_name: "Zoë Lovelace",
  };
}

const report: ShareReport = {
  dir: "/out/ownchart-share-2026-03-12",
  files: [{ name: "ips.json", kind: "ips_bundle", bytes: 10, sha256: "ab" }],
  shlink_uri: "shlink:/eyJ1cmwiOiJ4In0",
  qr_svg: "<svg/>",
  html_summary: "<html></html>",
  resources: 5,
  ledger_seq: 9,
};

function fakes(over: Partial<ShareCalls> = {}): ShareCalls & { [K in keyof ShareCalls]: ReturnType<typeof vi.fn> } {
  return {
    preview: vi.fn((s: ShareSelection) => Promise.resolve({ ok: true, value: preview(s.items.length || 5) } as const)),
    chooseDir: vi.fn(() => Promise.resolve({ ok: true, value: "/out" } as const)),
    create: vi.fn(() => Promise.resolve({ ok: true, value: report } as const)),
    ...over,
  } as ShareCalls & { [K in keyof ShareCalls]: ReturnType<typeof vi.fn> };
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

async function ready(w: ShareWizard): Promise<void> {
  await w.refreshPreview();
  expect(w.canContinue).toBe(true);
}

describe("ShareWizard, step 1", () => {
  it("previews the selection once the patient pauses", async () => {
    const c = fakes();
    const w = new ShareWizard(c, new ShareDraft());
    w.categories = ["labs"];
    w.selectionChanged();
    w.from = "2024-01-01";
    w.selectionChanged();
    vi.advanceTimersByTime(PREVIEW_DEBOUNCE_MS - 1);
    expect(c.preview).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(c.preview).toHaveBeenCalledTimes(1);
    expect(c.preview).toHaveBeenCalledWith({ categories: ["labs"], from: "2024-01-01", to: null, items: [] });
    await vi.waitFor(() => expect(w.previewCurrent).toBe(true));
    expect(w.preview?.patient_name).toBe("Zoë Lovelace");
  });

  it("drops a preview overtaken by a newer selection", async () => {
    const answers: ((r: IpcResult<SharePreview>) => void)[] = [];
    const w = new ShareWizard(fakes({ preview: () => new Promise((r) => answers.push(r)) }), new ShareDraft());
    const first = w.refreshPreview();
    w.categories = ["labs"];
    const second = w.refreshPreview();
    answers[1]?.({ ok: true, value: preview(2) });
    answers[0]?.({ ok: true, value: preview(99) });
    await Promise.all([first, second]);
    expect(w.preview?.total).toBe(2);
    expect(w.previewCurrent).toBe(true);
  });

  it("does not go on while the preview is for another selection, is empty, or the selection is wrong", async () => {
    const c = fakes({ preview: () => Promise.resolve({ ok: true, value: preview(0) }) });
    const w = new ShareWizard(c, new ShareDraft());
    await w.refreshPreview();
    expect(w.canContinue).toBe(false);
    expect(w.next()).toBe(false);
    expect(w.step).toBe("select");

    const ok = new ShareWizard(fakes(), new ShareDraft());
    await ready(ok);
    ok.categories = ["labs"];
    expect(ok.previewCurrent).toBe(false);
    expect(ok.canContinue).toBe(false);

    ok.selectNone();
    await ok.refreshPreview();
    expect(ok.selectionError).toBe("Choose at least one kind of record.");
    expect(ok.canContinue).toBe(false);
  });

  it("shares the items picked on the records screens instead of categories and dates", async () => {
    const draft = new ShareDraft();
    draft.add("Condition/1", "Observation/7");
    const c = fakes();
    const w = new ShareWizard(c, draft);
    w.categories = [];
    await w.refreshPreview();
    expect(c.preview).toHaveBeenLastCalledWith({ categories: [], from: null, to: null, items: ["Condition/1", "Observation/7"] });
    expect(w.canContinue).toBe(true);
    w.clearItems();
    expect(draft.count).toBe(0);
    expect(w.selectionError).toBe("Choose at least one kind of record.");
  });

  it("shows a preview error", async () => {
    const error = { code: "vault_locked", message: "The vault is locked." };
    const w = new ShareWizard(fakes({ preview: () => Promise.resolve({ ok: false, error }) }), new ShareDraft());
    await w.refreshPreview();
    expect(w.previewError).toEqual(error);
    expect(w.canContinue).toBe(false);
  });
});

describe("ShareWizard, steps 2 and 3", () => {
  it("checks recipient and purpose before any dialog opens", async () => {
    const c = fakes();
    const w = new ShareWizard(c, new ShareDraft());
    await ready(w);
    w.next();
    expect(w.step).toBe("details");
    expect(await w.create()).toBe(false);
    expect(w.triedDetails).toBe(true);
    expect(Object.keys(w.detailsErrors).sort()).toEqual(["purpose", "recipient"]);
    expect(c.chooseDir).not.toHaveBeenCalled();
  });

  it("changes nothing when the folder dialog is cancelled", async () => {
    const c = fakes({ chooseDir: vi.fn(() => Promise.resolve({ ok: true, value: null } as const)) });
    const w = new ShareWizard(c, new ShareDraft());
    await ready(w);
    w.next();
    w.details.recipient = "Dr. Ada";
    w.details.purpose = "Second opinion";
    expect(await w.create()).toBe(false);
    expect(c.create).not.toHaveBeenCalled();
    expect(w.step).toBe("details");
    expect(w.createError).toBeNull();
    expect(w.creating).toBeNull();
  });

  it("creates the files in the chosen folder and shows the result", async () => {
    const c = fakes();
    const w = new ShareWizard(c, new ShareDraft());
    w.categories = ["labs", "condition"];
    await ready(w);
    w.next();
    w.details.recipient = "Dr. Ada";
    w.details.purpose = "Second opinion";
    expect(await w.create()).toBe(true);
    expect(c.create).toHaveBeenCalledWith(
      expect.objectContaining({
        selection: { categories: ["labs", "condition"], from: null, to: null, items: [] },
        recipient: "Dr. Ada",
        purpose: "Second opinion",
        out_dir: "/out",
        expires_in_days: 30,
      }),
    );
    expect(w.step).toBe("result");
    expect(w.report).toEqual(report);
  });

  it("keeps the form and shows why when the files could not be made", async () => {
    const error = { code: "io", message: "The folder is read-only." };
    const w = new ShareWizard(fakes({ create: () => Promise.resolve({ ok: false, error }) }), new ShareDraft());
    await ready(w);
    w.next();
    w.details.recipient = "Dr. Ada";
    w.details.purpose = "Travel";
    expect(await w.create()).toBe(false);
    expect(w.createError).toEqual(error);
    expect(w.step).toBe("details");
    expect(w.details.recipient).toBe("Dr. Ada");
  });

  it("starts over for someone else with the same records", async () => {
    const w = new ShareWizard(fakes(), new ShareDraft());
    w.categories = ["labs"];
    await ready(w);
    w.next();
    w.details.recipient = "Dr. Ada";
    w.details.purpose = "Travel";
    await w.create();
    w.startOver();
    expect(w.step).toBe("select");
    expect(w.report).toBeNull();
    expect(w.details.recipient).toBe("");
    expect(w.categories).toEqual(["labs"]);
  });

  it("goes back to the selection", async () => {
    const w = new ShareWizard(fakes(), new ShareDraft());
    await ready(w);
    w.next();
    w.back();
    expect(w.step).toBe("select");
  });
});
