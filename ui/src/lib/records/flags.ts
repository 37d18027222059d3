// How a result's interpretation is shown: a word (never colour alone), a symbol
// for quick scanning, and the tone the badge takes.

import type { Flag } from "../ipc";

export interface FlagView {
  label: string;
  symbol: string;
  tone: "danger" | "warning" | "success";
  /** Read by screen readers instead of the symbol. */
  description: string;
}

const VIEWS: Record<Flag, FlagView> = {
  critical: { label: "Critical", symbol: "!!", tone: "danger", description: "Critical result" },
  high: { label: "High", symbol: "↑", tone: "warning", description: "Above the reference range" },
  low: { label: "Low", symbol: "↓", tone: "warning", description: "Below the reference range" },
  abnormal: { label: "Abnormal", symbol: "!", tone: "warning", description: "Abnormal result" },
  normal: { label: "Normal", symbol: "✓", tone: "success", description: "Within the reference range" },
};

/** The badge for a flag; null when there is none (no badge is drawn). */
export function flagView(flag: Flag | null | undefined): FlagView | null {
  return flag ? VIEWS[flag] : null;
}

/** Whether the flag deserves attention (normal results draw no badge in dense lists). */
export function isNotable(flag: Flag | null | undefined): boolean {
  return !!flag && flag !== "normal";
}
