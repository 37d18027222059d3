// What happens when the patient clicks a link inside a record's narrative or an
// HTML attachment. The record's author, not Ownchart, wrote the link: it never
// navigates the app. Web links open in the system browser after the patient
// confirms; links within the document scroll it; anything else is refused.

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
