import { describe, expect, it } from "vitest";

import type { SharedFile } from "../ipc";
import { orderedFiles, sharedFileLabel } from "./files";

const f = (name: string, kind: string): SharedFile => ({ name, kind, bytes: 1, sha256: "00" });

describe("shared files", () => {
  it("lists the document, the summary, then the link's parts, unknown kinds last", () => {
    const files = [f("qr.svg", "shl_qr"), f("x.bin", "mystery"), f("summary.html", "html_summary"), f("ips.json", "ips_bundle")];
    expect(orderedFiles(files).map((x) => x.name)).toEqual(["ips.json", "summary.html", "qr.svg", "x.bin"]);
  });

  it("labels each kind in words", () => {
    expect(sharedFileLabel(f("ips.json", "ips_bundle"))).toMatch(/International Patient Summary/);
    expect(sharedFileLabel(f("x", "mystery"))).toBe("mystery");
  });
});
