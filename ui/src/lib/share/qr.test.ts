import { describe, expect, it } from "vitest";

import { svgDataUrl } from "./qr";

function decode(url: string): string {
  const b64 = url.replace(/^data:image\/svg\+xml;base64,/, "");
  return new TextDecoder().decode(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));
}

describe("svgDataUrl", () => {
  it("encodes the SVG as UTF-8 base64 in an image data URL", () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"><title>Zoë – 東京</title></svg>';
    const url = svgDataUrl(svg);
    expect(url.startsWith("data:image/svg+xml;base64,")).toBe(true);
    expect(decode(url)).toBe(svg);
  });

  it("copes with a large QR code", () => {
    const svg = `<svg>${"<rect/>".repeat(100_000)}</svg>`;
    expect(decode(svgDataUrl(svg))).toBe(svg);
  });
});
