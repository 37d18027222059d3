// What the patient reads while an import runs and when it ends.

import type { FileReport, ImportProgress, ImportReport } from "../ipc";
import { formatCount, plural } from "./number";
import { fileName } from "./paths";

/** The sentence that sums up an import. */
export function importSummary(report: ImportReport): string {
  const only = report.files.length === 1 ? report.files[0] : undefined;
  const from = only ? fileName(only.file) : plural(report.files.length, "file");
  return (
    `Imported ${plural(report.resources, "record")} from ${from}: ` +
    `${formatCount(report.added)} new, ${formatCount(report.updated)} updated, ` +
    `${formatCount(report.unchanged)} unchanged.`
  );
}

/** One line per file: "my-records.json — Bundle (collection), FHIR R4, 500 records". */
export function fileLine(file: FileReport): string {
  const parts = [file.format, file.fhir_version ? `FHIR ${file.fhir_version}` : "", plural(file.resources, "record")];
  return `${fileName(file.file)} — ${parts.filter((p) => p !== "").join(", ")}`;
}

/** What a progress bar shows: `value`/`max`, or no value while it cannot be measured. */
export interface ProgressView {
  label: string;
  value: number | null;
  max: number;
}

/** Turns a progress message from the Rust side into a label and a bar position. */
export function progressView(p: ImportProgress | null): ProgressView {
  if (!p) {
    return { label: "Starting the import…", value: null, max: 1 };
  }
  const name = p.file ? fileName(p.file) : "";
  const of = p.files_total > 1 ? ` (file ${formatCount(p.file_index + 1)} of ${formatCount(p.files_total)})` : "";
  switch (p.phase) {
    case "checking":
      return {
        label: `Reading and checking ${name || "your files"}${of}. Nothing is written until every file has been checked.`,
        value: p.files_total > 1 ? p.file_index : null,
        max: Math.max(1, p.files_total),
      };
    case "writing":
      return {
        label: `Saving records to your vault: ${formatCount(p.resources_done)} of ${formatCount(p.resources_total)}.`,
        value: p.resources_done,
        max: Math.max(1, p.resources_total),
      };
    case "done":
      return { label: "Import finished.", value: 1, max: 1 };
  }
}
