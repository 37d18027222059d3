import { describe, expect, it } from "vitest";

import type { FileReport, ImportReport } from "../ipc";
import { fileLine, importSummary, progressView } from "./importing";

function file(over: Partial<FileReport> = {}): FileReport {
  return {
    file: "/home/pat/my-records.json",
    format: "Bundle (collection)",
    fhir_version: "R4",
    resources: 500,
    added: 500,
    updated: 0,
    unchanged: 0,
    note: null,
    ...over,
  };
}

function report(files: FileReport[]): ImportReport {
  const sum = (k: "resources" | "added" | "updated" | "unchanged") =>
    files.reduce((n, f) => n + f[k], 0);
  return {
    files,
    resources: sum("resources"),
    added: sum("added"),
    updated: sum("updated"),
    unchanged: sum("unchanged"),
  };
}

describe("importSummary", () => {
  it("names the single file and gives every count", () => {
    expect(importSummary(report([file()]))).toBe(
      "Imported 500 records from my-records.json: 500 new, 0 updated, 0 unchanged.",
    );
  });

  it("counts files when there are several, with separators", () => {
    const r = report([
      file({ resources: 1200, added: 1000, updated: 150, unchanged: 50 }),
      file({ file: "C:\\records\\b.ndjson", resources: 1, added: 1 }),
    ]);
    expect(importSummary(r)).toBe(
      "Imported 1,201 records from 2 files: 1,001 new, 150 updated, 50 unchanged.",
    );
  });

  it("uses the singular for one record", () => {
    expect(importSummary(report([file({ resources: 1, added: 0, unchanged: 1 })]))).toBe(
      "Imported 1 record from my-records.json: 0 new, 0 updated, 1 unchanged.",
    );
  });
});

describe("fileLine", () => {
  it("describes format, version and size", () => {
    expect(fileLine(file({ fhir_version: "DSTU2", resources: 12 }))).toBe(
      "my-records.json — Bundle (collection), FHIR DSTU2, 12 records",
    );
  });
});

describe("progressView", () => {
  const base = { file: "/x/my-records.json", file_index: 0, files_total: 1, resources_done: 0, resources_total: 0 };

  it("has no measurable value before the first message", () => {
    expect(progressView(null).value).toBeNull();
  });

  it("is indeterminate while checking a single file", () => {
    const v = progressView({ ...base, phase: "checking" });
    expect(v.value).toBeNull();
    expect(v.label).toContain("Reading and checking my-records.json");
  });

  it("counts files while checking several", () => {
    const v = progressView({ ...base, phase: "checking", file_index: 1, files_total: 3 });
    expect(v).toMatchObject({ value: 1, max: 3 });
    expect(v.label).toContain("(file 2 of 3)");
  });

  it("counts resources while writing", () => {
    const v = progressView({ ...base, phase: "writing", resources_done: 2000, resources_total: 5000 });
    expect(v).toMatchObject({ value: 2000, max: 5000 });
    expect(v.label).toBe("Saving records to your vault: 2,000 of 5,000.");
  });

  it("is full when done, and never divides by zero", () => {
    expect(progressView({ ...base, phase: "done" })).toMatchObject({ value: 1, max: 1 });
    expect(progressView({ ...base, phase: "writing" }).max).toBe(1);
  });
});
