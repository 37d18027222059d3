// What happens when the patient asks to open a link of a record's narrative or an
// HTML attachment. The record's author, not Ownchart, wrote the link: it never
// navigates the app. Web links open in the system browser after the patient
// confirms; anything else is refused (a link within the document, `#id`, is
// recognised but has nothing to do: the app cannot reach into the frame).

export type LinkAction =
  | { kind: "external"; url: string; host: string }
  | { kind: "fragment"; id: string }
  | { kind: "blocked"; reason: string };

/** Decides what a link in record content may do. `href` is the attribute as written. */
export function classifyLink(href: string | null | undefined): LinkAction {
  const raw = (href ?? "").trim();
  if (raw === "") {
    return { kind: "blocked", reason: "This link has no address." };
  }
  if (raw.startsWith("#")) {
    return { kind: "fragment", id: decodeURIComponent(raw.slice(1)) };
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // A relative link has no page of its own to go to: the record came without one.
    return { kind: "blocked", reason: "This link points to a page that came without the record." };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return { kind: "blocked", reason: `Ownchart does not open “${url.protocol.replace(/:$/, "")}” links from records.` };
  }
  if (url.username || url.password) {
    // user:pass@host is a classic way to disguise where a link really goes.
    return { kind: "blocked", reason: "This link hides its real address, so Ownchart does not open it." };
  }
  return { kind: "external", url: url.href, host: url.host };
}

/** A web link of record content, as listed below its frame. */
export interface ListedLink {
  /** The address as the back end found it in the document. */
  url: string;
  host: string;
}

/**
 * The links to list below a frame, each once, with the host it goes to. The back
 * end sends only http(s) links; anything else that arrives is left out rather
 * than shown with a host it does not have. Whether a listed link may open is
 * still `classifyLink`'s decision, when the patient asks.
 */
export function listedLinks(urls: readonly string[]): ListedLink[] {
  const seen = new Set<string>();
  const out: ListedLink[] = [];
  for (const raw of urls) {
    const url = raw.trim();
    if (seen.has(url)) {
      continue;
    }
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      continue;
    }
    if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
      continue;
    }
    seen.add(url);
    out.push({ url, host: parsed.host });
  }
  return out;
}
