import { describe, expect, it } from "vitest";

import type { CategoryProgress, CategoryState, SyncErrorItem, SyncReport } from "../ipc";
import {
  barView,
  categoryLabel,
  changesText,
  countsText,
  errorsFor,
  filtersProblem,
  finishedAnnouncement,
  orderedCategories,
  outcomeView,
  parseEveryDays,
  pagesText,
  reportTotals,
  requestFromFilters,
  resultNote,
  scheduleText,
  severityTone,
  stateView,
  SYNC_CATEGORIES,
  syncErrorText,
  type SyncFilters,
} from "./sync";

const STATES: CategoryState[] = ["waiting", "running", "complete", "partial", "failed", "skipped", "cancelled"];

function progress(over: Partial<CategoryProgress> = {}): CategoryProgress {
  return {
    category: "labs",
    label: "Lab results",
    state: "complete",
    pages: 3,
    resources: 1204,
    bytes: 2_150_000,
    added: 3,
    updated: 2,
    unchanged: 1199,
    set_aside: 0,
    ...over,
  };
}

function error(over: Partial<SyncErrorItem> = {}): SyncErrorItem {
  return {
    timestamp: "2026-03-12T14:05:09Z",
    code: 4030,
    severity: "error",
    status: 403,
    error: "forbidden",
    message: "The portal answered 403 Forbidden for lab results.",
    path: "labs",
    ...over,
  };
}

function report(over: Partial<SyncReport> = {}): SyncReport {
  return {
    run_id: "r1",
    connection_id: "c1",
    portal_name: "Springfield Clinic",
    started_at: "2026-03-12T14:00:00Z",
    finished_at: "2026-03-12T14:05:09Z",
    outcome: "complete",
    resumed: false,
    incremental: false,
    request: { exclude_undated_entries: false },
    categories: [
      progress(),
      progress({ category: "vitals", label: "Vital signs", resources: 10, added: 10, updated: 0 }),
      progress({ category: "related", label: "Related records", resources: 5, added: 0, updated: 0, set_aside: 1 }),
    ],
    errorData: { errors: [] },
    ...over,
  };
}

function filters(over: Partial<SyncFilters> = {}): SyncFilters {
  return {
    connectionId: null,
    categories: SYNC_CATEGORIES.map((c) => c.key),
    from: "",
    to: "",
    excludeUndated: false,
    ...over,
  };
}

describe("SYNC_CATEGORIES", () => {
  it("lists the 16 categories once each, without other", () => {
    const keys = SYNC_CATEGORIES.map((c) => c.key);
    expect(keys).toHaveLength(16);
    expect(new Set(keys).size).toBe(16);
    expect(keys).not.toContain("other");
    expect(keys).toContain("labs");
    expect(keys).toContain("coverage");
  });
});

describe("orderedCategories", () => {
  it("keeps the order and moves related last", () => {
    const list = [progress({ category: "related" }), progress({ category: "patient" }), progress({ category: "labs" })];
    expect(orderedCategories(list).map((c) => c.category)).toEqual(["patient", "labs", "related"]);
  });
});

describe("categoryLabel", () => {
  it("prefers the run's label, then the known one, then the key", () => {
    expect(categoryLabel("labs", [progress({ label: "Labs from the run" })])).toBe("Labs from the run");
    expect(categoryLabel("coverage")).toBe("Insurance coverage");
    expect(categoryLabel("related")).toBe("Related records");
    expect(categoryLabel("Observation")).toBe("Observation");
  });
});

describe("stateView and barView", () => {
  it("gives every state words, an icon and a bar", () => {
    for (const state of STATES) {
      expect(stateView(state).label).not.toBe("");
    }
    expect(stateView("complete")).toEqual({ label: "Done", icon: "check", tone: "success" });
    expect(stateView("failed").tone).toBe("error");
  });

  it("moves without a value while running, is full when done and empty otherwise", () => {
    expect(barView("running")).toEqual({ value: null, max: 1 });
    expect(barView("complete")).toEqual({ value: 1, max: 1 });
    expect(barView("partial")).toEqual({ value: 1, max: 1 });
    expect(barView("waiting")).toEqual({ value: 0, max: 1 });
    expect(barView("failed")).toEqual({ value: 0, max: 1 });
  });
});

describe("pagesText", () => {
  it("counts pages, sent as a bigint or as the plain JSON number they are", () => {
    expect(pagesText(progress())).toBe("3 pages");
    expect(pagesText(progress({ pages: 1 }))).toBe("1 page");
  });
});

describe("changesText and countsText", () => {
  it("adds new, updated and set aside only when there are some", () => {
    expect(countsText(progress())).toBe("1,204 records · 3 new · 2 updated");
    expect(changesText(progress())).toBe("3 new · 2 updated");
    expect(countsText(progress({ added: 0, updated: 0 }))).toBe("1,204 records · no changes");
    expect(countsText(progress({ resources: 0, added: 0, updated: 0 }))).toBe("0 records");
    expect(changesText(progress({ resources: 0, added: 0, updated: 0 }))).toBe("");
    expect(countsText(progress({ resources: 0, added: 0, updated: 0, set_aside: 2 }))).toBe(
      "0 records · 2 set aside",
    );
  });
});

describe("reportTotals", () => {
  it("adds up every category, related included", () => {
    expect(reportTotals(report())).toEqual({ resources: 1219, added: 13, updated: 2, set_aside: 1 });
  });
});

describe("resultNote", () => {
  it("is empty for a complete category unless the Rust side noted something", () => {
    expect(resultNote(progress())).toBeNull();
    expect(resultNote(progress({ note: "Only the last 5 years." }))).toBe("Only the last 5 years.");
  });

  it("gives the reason for what was not downloaded", () => {
    expect(resultNote(progress({ state: "skipped", note: "Not asked for." }))).toBe("Not asked for.");
    expect(resultNote(progress({ state: "skipped" }))).toBe("Skipped.");
    expect(resultNote(progress({ state: "failed", note: " " }))).toBe("Not downloaded.");
    expect(resultNote(progress({ state: "partial" }))).toBe("Partly downloaded.");
    for (const state of STATES.filter((s) => s !== "complete")) {
      expect(resultNote(progress({ state }))).toMatch(/\.$/);
    }
  });
});

describe("outcomeView", () => {
  it("names each outcome", () => {
    expect(outcomeView("complete")).toEqual({ label: "Complete", tone: "success" });
    expect(outcomeView("partial").label).toBe("Partly downloaded");
    expect(outcomeView("reconnect_needed").label).toBe("Reconnect needed");
    expect(outcomeView("cancelled").label).toBe("Cancelled");
    expect(outcomeView("failed")).toEqual({ label: "Failed", tone: "error" });
  });
});

describe("finishedAnnouncement", () => {
  it("names the portal, the outcome and the counts", () => {
    expect(finishedAnnouncement(report())).toBe(
      "Download finished: Springfield Clinic — Complete. 1,219 records · 13 new · 2 updated · 1 set aside.",
    );
  });
});

describe("severityTone", () => {
  it("maps the three severities, and anything else to information", () => {
    expect(severityTone("error")).toBe("error");
    expect(severityTone("Warning")).toBe("warning");
    expect(severityTone("information")).toBe("info");
    expect(severityTone("")).toBe("info");
  });
});

describe("syncErrorText", () => {
  it("says which category the portal does not share", () => {
    expect(syncErrorText(error(), report().categories)).toEqual({
      text: "Your portal does not share lab results.",
      detail: "The portal answered 403 Forbidden for lab results.",
      tone: "error",
    });
  });

  it("explains an ended permission", () => {
    expect(syncErrorText(error({ error: "reconnect_needed", message: "" })).text).toBe(
      "Reconnect needed — your portal's permission ended.",
    );
  });

  it("has a sentence for every error name the sync engine uses", () => {
    for (const name of [
      "rate_limited",
      "server_unavailable",
      "timeout",
      "malformed_page",
      "foreign_next_link",
      "paging_loop",
      "too_many_pages",
      "response_too_large",
      "other_patient",
      "wrong_type",
      "not_supported",
      "not_permitted",
      "partly_converted",
      "elsewhere",
      "cancelled",
    ]) {
      const text = syncErrorText(error({ error: name, message: "x" })).text;
      expect(text).not.toBe("x");
      expect(text).toMatch(/\.$/);
    }
    expect(syncErrorText(error({ error: "other_patient" })).text).toContain("another patient");
  });

  it("drops a detail that says the same", () => {
    const text = "The portal took too long to answer.";
    expect(syncErrorText(error({ error: "timeout", message: text })).detail).toBeNull();
  });

  it("falls back to the item's message, and to a sentence without one", () => {
    expect(syncErrorText(error({ error: "brand_new", message: "The portal said no.", severity: "warning" }))).toEqual({
      text: "The portal said no.",
      detail: null,
      tone: "warning",
    });
    expect(syncErrorText(error({ error: "brand_new", message: "" })).text).toBe(
      "Something went wrong while downloading.",
    );
  });
});

describe("errorsFor", () => {
  it("groups errors by category key or label, the rest under none", () => {
    const byKey = error();
    const byLabel = error({ path: "Vital signs", error: "timeout" });
    const general = error({ path: "", error: "reconnect_needed" });
    const r = report({ errorData: { errors: [byKey, byLabel, general], highestError: "error" } });
    expect(errorsFor(r, "labs")).toEqual([byKey]);
    expect(errorsFor(r, "vitals")).toEqual([byLabel]);
    expect(errorsFor(r, null)).toEqual([general]);
    expect(errorsFor(r, "related")).toEqual([]);
  });
});

describe("filtersProblem", () => {
  it("wants a category and dates in order", () => {
    expect(filtersProblem(filters())).toBeNull();
    expect(filtersProblem(filters({ categories: [] }))).toBe("Choose at least one kind of record.");
    expect(filtersProblem(filters({ from: "2025-02-01", to: "2025-01-31" }))).toContain("after");
    expect(filtersProblem(filters({ from: "2025-01-31", to: "2025-01-31" }))).toBeNull();
    expect(filtersProblem(filters({ from: "2025-01-31" }))).toBeNull();
  });
});

describe("requestFromFilters", () => {
  it("asks for everything from every connection by default", () => {
    expect(requestFromFilters(filters())).toEqual({ exclude_undated_entries: false });
  });

  it("sends the chosen categories in display order, the dates and the connection", () => {
    expect(
      requestFromFilters(
        filters({
          connectionId: "c1",
          categories: ["labs", "patient", "nonsense"],
          from: "2024-01-01",
          to: "2024-12-31",
          excludeUndated: true,
        }),
      ),
    ).toEqual({
      connection_id: "c1",
      categories: ["patient", "labs"],
      from_time: "2024-01-01",
      to_time: "2024-12-31",
      exclude_undated_entries: true,
    });
  });
});

describe("scheduleText", () => {
  it("says off, every day or every N days", () => {
    expect(scheduleText({})).toBe("Off");
    expect(scheduleText({ every_days: null as unknown as number })).toBe("Off");
    expect(scheduleText({ every_days: 1 })).toBe("Every day");
    expect(scheduleText({ every_days: 30 })).toBe("Every 30 days");
  });
});

describe("parseEveryDays", () => {
  it("accepts whole numbers from 1 to 365", () => {
    expect(parseEveryDays(" 14 ")).toEqual({ days: 14 });
    expect(parseEveryDays("1")).toEqual({ days: 1 });
    expect(parseEveryDays("365")).toEqual({ days: 365 });
  });

  it("explains anything else", () => {
    for (const text of ["", "0", "366", "2.5", "-3", "seven"]) {
      expect(parseEveryDays(text)).toHaveProperty("problem");
    }
  });
});
