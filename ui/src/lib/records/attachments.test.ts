import { describe, expect, it } from "vitest";

import type { AttachmentContent, AttachmentView } from "../ipc";
import { attachmentTitle, imageDataUrl, isViewable } from "./attachments";

function content(over: Partial<AttachmentContent>): AttachmentContent {
  return { kind: "image", content_type: "image/png", html: null, text: null, data_base64: "iVBORw0KGgo=", links: [], ...over };
}

function view(over: Partial<AttachmentView>): AttachmentView {
  return { index: 0, title: null, content_type: "application/pdf", kind: "pdf", size: null, available: true, ...over };
}

describe("imageDataUrl", () => {
  it("makes a data: URL of a safe raster image", () => {
    expect(imageDataUrl(content({}))).toBe("data:image/png;base64,iVBORw0KGgo=");
    expect(imageDataUrl(content({ content_type: "image/JPEG; charset=x" }))).toMatch(/^data:image\/jpeg;base64,/);
  });

  it("never shows SVG or anything that is not an image", () => {
    expect(imageDataUrl(content({ content_type: "image/svg+xml" }))).toBeNull();
    expect(imageDataUrl(content({ kind: "html", content_type: "image/png" }))).toBeNull();
    expect(imageDataUrl(content({ content_type: "text/html" }))).toBeNull();
  });

  it("refuses data that is not base64 (it could close the URL)", () => {
    expect(imageDataUrl(content({ data_base64: 'AAA") ; x' }))).toBeNull();
    expect(imageDataUrl(content({ data_base64: "" }))).toBeNull();
    expect(imageDataUrl(content({ data_base64: null }))).toBeNull();
  });
});

describe("attachments", () => {
  it("shows HTML, text and pictures in the app, and saves the rest", () => {
    expect(isViewable(view({ kind: "html" }))).toBe(true);
    expect(isViewable(view({ kind: "pdf" }))).toBe(false);
    expect(isViewable(view({ kind: "image", available: false }))).toBe(false);
  });

  it("names attachments without a title by kind", () => {
    expect(attachmentTitle(view({ index: 1 }))).toBe("PDF document 2");
    expect(attachmentTitle(view({ title: " Discharge letter " }))).toBe("Discharge letter");
  });
});
