// What the patient reads while a complete record file is written and when it is done.

import type { ExportPhase, ExportProgress, ExportReport } from "../ipc";
import { formatCount, plural } from "./number";

/** The export's phases in the order they run, as the step list names them. */
export const EXPORT_PHASES: readonly { phase: ExportPhase; label: string }[] = [
  { phase: "preparing", label: "Preparing" },
  { phase: "resources", label: "Records" },
  { phase: "attachments", label: "Attachments" },
  { phase: "bundle", label: "Single-file bundle" },
  { phase: "finishing", label: "Checking and saving" },
];

/** Where an export stands: the current phase's index, a sentence and the bar. */
export interface ExportProgressView {
  step: number;
  label: string;
  value: number | null;
  max: number;
}

function counted(done: number, total: number): string {
  return total > 0 ? `: ${formatCount(Math.min(done, total))} of ${formatCount(total)}` : "";
}

export function exportProgressView(p: ExportProgress | null): ExportProgressView {
  if (!p) {
    return { step: 0, label: "Starting the export…", value: null, max: 1 };
  }
  const step = Math.max(0, EXPORT_PHASES.findIndex((x) => x.phase === p.phase));
  const bar = p.total > 0 ? { value: Math.min(p.done, p.total), max: p.total } : { value: null, max: 1 };
  switch (p.phase) {
    case "preparing":
      return { step, label: "Preparing the export…", ...bar };
    case "resources":
      return { step, label: `Writing your records${counted(p.done, p.total)}.`, ...bar };
    case "attachments":
      return { step, label: `Adding attachments${counted(p.done, p.total)}.`, ...bar };
    case "bundle":
      return { step, label: `Writing the single-file FHIR Bundle${counted(p.done, p.total)}.`, ...bar };
    case "finishing":
      return { step, label: "Checking the file and saving it under its name…", ...bar };
  }
}

/** "1,234 records, 56 earlier versions and 3 attachments". */
export function exportContents(report: ExportReport): string {
  return `${plural(report.resources, "record")}, ${plural(report.versions, "earlier version")} and ${plural(
    report.attachments,
    "attachment",
  )}`;
}

/** A SHA-256 in groups of eight, easier to read out and compare: "3a7bd3e2 360a3d29 …". */
export function groupedHash(hex: string): string {
  return (hex.match(/.{1,8}/g) ?? []).join(" ");
}
