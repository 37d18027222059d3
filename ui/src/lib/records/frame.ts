// The document a sandboxed frame shows for record content (a narrative, an HTML
// attachment). The HTML was sanitized in Rust; this wrapper adds a second lock:
// its own Content-Security-Policy that allows no script, no network and no
// styles but the app's own narrative.css, on top of the frame's sandbox
// (no flags at all) and the app's CSP the frame inherits.

/**
 * The frame's policy. Its origin is opaque (no `allow-same-origin`), so `'self'`
 * would match nothing there: the stylesheet's origin is named instead.
 */
export function frameCsp(styleOrigin: string): string {
  return (
    "default-src 'none'; script-src 'none'; object-src 'none'; img-src data:; " +
    `style-src ${styleOrigin}; font-src 'none'; connect-src 'none'; media-src 'none'; ` +
    "frame-src 'none'; form-action 'none'; base-uri 'none'"
  );
}

/**
 * `scheme://host[:port]` of a URL. Not `URL.origin`: that is "null" for the
 * custom scheme (`tauri://localhost`) the app is served from on Linux and macOS.
 */
export function sourceOf(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}`;
}

export interface FrameOptions {
  /** Absolute URL of narrative.css (same origin as the app). */
  stylesheet: string;
  /** The app's explicit theme, if the patient chose one. */
  theme: "light" | "dark" | null;
  /** The frame's title for screen readers (also the document's title). */
  title: string;
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for an HTML attribute or element. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** The full document for `srcdoc`. `sanitizedHtml` must come sanitized from Rust. */
export function frameDocument(sanitizedHtml: string, options: FrameOptions): string {
  const theme = options.theme ? ` data-theme="${options.theme}"` : "";
  return (
    `<!doctype html><html lang="en"${theme}><head><meta charset="utf-8">` +
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(frameCsp(sourceOf(options.stylesheet)))}">` +
    `<meta name="referrer" content="no-referrer">` +
    `<title>${escapeHtml(options.title)}</title>` +
    `<link rel="stylesheet" href="${escapeHtml(options.stylesheet)}">` +
    `</head><body>${sanitizedHtml}</body></html>`
  );
}

/**
 * The sandbox of every frame showing record content: no flags at all (threat model
 * TM-14). Without `allow-same-origin` the frame's origin is opaque, so even a
 * script that slipped past the sanitizer and the CSPs could not reach the app's
 * page or its IPC; the price is that the app cannot reach in either, which is
 * why links are listed below the frame and its height is fixed.
 */
export const FRAME_SANDBOX = "";
