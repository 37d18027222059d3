// The SMART Health Link's QR code arrives as an SVG document. It is shown as an
// image from a data: URL, never put into the page as markup: an <img> runs no
// script and loads nothing, whatever the SVG says.

/** `data:image/svg+xml;base64,…` for an SVG document (UTF-8). */
export function svgDataUrl(svg: string): string {
  const bytes = new TextEncoder().encode(svg);
  let binary = "";
  // In slices: String.fromCharCode with one argument per byte overflows the stack on large inputs.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return `data:image/svg+xml;base64,${btoa(binary)}`;
}
