// The printable summary is shown in an iframe from `srcdoc`. Such a frame
// inherits the app's Content-Security-Policy (`style-src 'self'`), so the
// summary's own <style> element is kept in its DOM but not applied. Its text is
// adopted instead as a constructed stylesheet (CSSOM, which CSP does not
// govern): the summary looks and prints as it would in a browser, and the app's
// policy stays as strict as it is. Only a stylesheet Ownchart's Rust side wrote
// goes this way; record values in the summary are escaped text.

/** The text of every <style> element of `doc`, in document order. */
export function inlineStyles(doc: Document): string {
  return [...doc.querySelectorAll("style")].map((s) => s.textContent ?? "").join("\n");
}

/**
 * Applies the frame's own inline stylesheets to it. False when the frame is not
 * reachable (no same-origin access) or the engine lacks constructed stylesheets.
 */
export function adoptInlineStyles(frame: HTMLIFrameElement): boolean {
  const doc = frame.contentDocument;
  const win = frame.contentWindow as (Window & typeof globalThis) | null;
  if (!doc || !win || typeof win.CSSStyleSheet !== "function") {
    return false;
  }
  const css = inlineStyles(doc);
  if (css.trim() === "") {
    return true;
  }
  try {
    // A sheet must be made by the document that adopts it.
    const sheet = new win.CSSStyleSheet();
    sheet.replaceSync(css);
    doc.adoptedStyleSheets = [sheet];
    return true;
  } catch {
    return false;
  }
}
