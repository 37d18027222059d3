// How an attachment may be shown: only raster images the webview decodes
// safely become pictures (never SVG, which can carry script); everything else
// is shown as sanitized HTML or text, or offered as a copy to save.

import type { AttachmentContent, AttachmentView } from "../ipc";

const IMAGE_TYPES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** A `data:` URL for a picture, or null when the content is not one of the safe image types. */
export function imageDataUrl(content: AttachmentContent): string | null {
  const type = content.content_type.split(";")[0]?.trim().toLowerCase() ?? "";
  const data = content.data_base64?.replace(/\s+/g, "") ?? "";
  if (content.kind !== "image" || !IMAGE_TYPES.has(type) || data === "" || !BASE64.test(data)) {
    return null;
  }
  return `data:${type};base64,${data}`;
}

/** Whether the attachment can be shown in the app (the rest is saved to a file). */
export function isViewable(view: AttachmentView): boolean {
  return view.available && (view.kind === "html" || view.kind === "text" || view.kind === "image");
}

/** What the attachment is, in words: its title, else its kind. */
export function attachmentTitle(view: AttachmentView): string {
  if (view.title && view.title.trim() !== "") {
    return view.title.trim();
  }
  const kinds = { html: "Web page", text: "Text", image: "Picture", pdf: "PDF document", other: "File" };
  return `${kinds[view.kind]} ${view.index + 1}`;
}
