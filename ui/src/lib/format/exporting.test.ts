import { describe, expect, it } from "vitest";

import type { ExportReport } from "../ipc";
import { EXPORT_PHASES, exportContents, exportProgressView, groupedHash } from "./exporting";

describe("exportProgressView", () => {
  it("starts without a measure", () => {
    expect(exportProgressView(null)).toEqual({ step: 0, label: "Starting the export…", value: null, max: 1 });
  });

  it("places each phase in the step list and fills the bar within it", () => {
    const v = exportProgressView({ phase: "resources", done: 1234, total: 5000 });
    expect(v.step).toBe(1);
    expect(v.label).toBe("Writing your records: 1,234 of 5,000.");
    expect([v.value, v.max]).toEqual([1234, 5000]);
    expect(exportProgressView({ phase: "finishing", done: 0, total: 0 })).toMatchObject({
      step: EXPORT_PHASES.length - 1,
      value: null,
    });
  });

  it("never shows more done than the total", () => {
    const v = exportProgressView({ phase: "attachments", done: 12, total: 10 });
    expect(v.value).toBe(10);
    expect(v.label).toBe("Adding attachments: 10 of 10.");
  });
});

describe("exportContents and groupedHash", () => {
  it("sums up a report", () => {
    const r = { resources: 1, versions: 0, attachments: 2 } as ExportReport;
    expect(exportContents(r)).toBe("1 record, 0 earlier versions and 2 attachments");
  });

  it("groups a SHA-256 by eight", () => {
    expect(groupedHash("0123456789abcdef01")).toBe("01234567 89abcdef 01");
    expect(groupedHash("")).toBe("");
  });
});
