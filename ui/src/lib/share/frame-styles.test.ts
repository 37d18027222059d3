import { describe, expect, it } from "vitest";

import { adoptInlineStyles, inlineStyles } from "./frame-styles";

const doc = (...texts: (string | null)[]) =>
  ({ querySelectorAll: () => texts.map((textContent) => ({ textContent })) }) as unknown as Document;

describe("frame styles", () => {
  it("joins the inline stylesheets in order", () => {
    expect(inlineStyles(doc("p{color:red}", null, "@media print{p{color:black}}"))).toBe(
      "p{color:red}\n\n@media print{p{color:black}}",
    );
  });

  it("reports a frame it cannot reach", () => {
    expect(adoptInlineStyles({ contentDocument: null, contentWindow: null } as HTMLIFrameElement)).toBe(false);
  });

  it("makes the sheet in the frame's own window and adopts it there", () => {
    const made: string[] = [];
    class FrameSheet {
      replaceSync(css: string): void {
        made.push(css);
      }
    }
    const frameDoc = Object.assign(doc("p{color:red}"), { adoptedStyleSheets: [] as unknown[] });
    const frame = { contentDocument: frameDoc, contentWindow: { CSSStyleSheet: FrameSheet } } as unknown as HTMLIFrameElement;
    expect(adoptInlineStyles(frame)).toBe(true);
    expect(made).toEqual(["p{color:red}"]);
    expect(frameDoc.adoptedStyleSheets).toHaveLength(1);
    expect(frameDoc.adoptedStyleSheets[0]).toBeInstanceOf(FrameSheet);
  });
});
