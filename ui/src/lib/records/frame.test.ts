import { describe, expect, it } from "vitest";

import { escapeHtml, frameCsp, FRAME_SANDBOX, frameDocument, sourceOf } from "./frame";

const FRAME_CSP = frameCsp("tauri://localhost");

const options = { stylesheet: "tauri://localhost/narrative.css", theme: null, title: "Narrative" };

describe("frameDocument", () => {
  it("puts the sanitized HTML in the body under a no-script policy", () => {
    const doc = frameDocument("<p>Hello</p>", options);
    expect(doc).toContain("<body><p>Hello</p></body>");
    expect(doc).toContain(`http-equiv="Content-Security-Policy" content="${escapeHtml(FRAME_CSP)}"`);
    expect(FRAME_CSP).toContain("script-src 'none'");
    expect(FRAME_CSP).toContain("img-src data:");
    expect(FRAME_CSP).not.toContain("http");
  });

  it("escapes the title and stylesheet it adds itself", () => {
    const doc = frameDocument("", { ...options, title: '</title><script>x</script>', stylesheet: 'tauri://localhost/a"b' });
    expect(doc).not.toContain("<script>");
    expect(doc).toContain('href="tauri://localhost/a&quot;b"');
  });

  it("carries the patient's theme", () => {
    expect(frameDocument("", { ...options, theme: "dark" })).toContain('<html lang="en" data-theme="dark">');
    expect(frameDocument("", options)).toContain('<html lang="en">');
  });

  it("sandboxes the frame with no flags at all", () => {
    // Not even allow-same-origin: with it, a script that ever ran could reach the app.
    expect(FRAME_SANDBOX).toBe("");
  });

  it("names the stylesheet's origin, which 'self' cannot in an opaque frame", () => {
    expect(sourceOf("tauri://localhost/narrative.css")).toBe("tauri://localhost");
    expect(sourceOf("http://tauri.localhost/narrative.css")).toBe("http://tauri.localhost");
    expect(sourceOf("http://localhost:1420/narrative.css")).toBe("http://localhost:1420");
    expect(FRAME_CSP).toContain("style-src tauri://localhost;");
    expect(FRAME_CSP).not.toContain("'self'");
  });

  it("escapes text", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  });
});
