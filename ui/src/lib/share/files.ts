// The files a share wrote, as the result lists them.

import type { SharedFile } from "../ipc";

const KIND_LABELS: Record<string, string> = {
  ips_bundle: "FHIR document (International Patient Summary)",
  html_summary: "Printable summary",
  shl_payload: "SMART Health Link data (encrypted)",
  shl_qr: "QR code of the SMART Health Link",
  shl_uri: "SMART Health Link",
};

/** What a shared file is, in words; an unknown kind is shown as it came. */
export function sharedFileLabel(file: SharedFile): string {
  return KIND_LABELS[file.kind] ?? file.kind;
}

/** The files in the order the patient thinks of them: the document, the summary, the link's parts. */
export function orderedFiles(files: readonly SharedFile[]): SharedFile[] {
  const rank = (f: SharedFile): number => {
    const i = Object.keys(KIND_LABELS).indexOf(f.kind);
    return i === -1 ? Number.MAX_SAFE_INTEGER : i;
  };
  return [...files].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}
