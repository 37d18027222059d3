import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { render } from "svelte/server";

import type { IpcResult } from "../ipc";
import { LinkConfirm } from "../records/link-confirm.svelte";
import FrameLinks from "./FrameLinks.svelte";
import LinkDialog from "./LinkDialog.svelte";
import SafeHtmlFrame from "./SafeHtmlFrame.svelte";

// The tests run in Node without a DOM: components are rendered to HTML with
// Svelte's server renderer, and the buttons' behaviour is followed through the
// same LinkConfirm the component is given.

const ok = (): Promise<IpcResult<null>> => Promise.resolve({ ok: true, value: null });

function frame(urls: string[], links = new LinkConfirm(ok)): string {
  return render(SafeHtmlFrame, {
    props: { html: "<p>Letter</p>", title: "Narrative of Letter", urls, links, testid: "narrative-frame" },
  }).body;
}

/** The opening tag of the one element whose data-testid is `testid` (attribute values may hold ">"). */
function attributes(html: string, testid: string): string {
  const tags = (html.match(/<[a-z0-9]+(?:\s+[^\s=>"]+(?:="[^"]*")?)*\s*>/g) ?? []).filter((t) =>
    t.includes(` data-testid="${testid}"`),
  );
  expect(tags).toHaveLength(1);
  return tags[0] ?? "";
}

describe("SafeHtmlFrame", () => {
  beforeEach(() => {
    // Only what the component reads from the app's page.
    vi.stubGlobal("document", {
      baseURI: "tauri://localhost/",
      documentElement: { getAttribute: () => null },
    });
  });

  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("sandboxes the frame with an exactly empty sandbox attribute", () => {
    const tag = attributes(frame([]), "narrative-frame");
    expect(tag).toMatch(/^<iframe/);
    expect(tag).toContain(' sandbox=""');
    expect(tag).not.toMatch(/allow-/);
    // The CSP has no 'unsafe-inline' for styles: the height comes from the stylesheet.
    expect(tag).not.toContain("style=");
  });

  it("lists the links of the document below the frame", () => {
    const html = frame(["https://example.org/zyx", "http://clinic.example:8080/a?b=1&c=2"]);
    expect(html.indexOf('data-testid="narrative-frame"')).toBeLessThan(html.indexOf('data-testid="frame-links"'));
    expect(attributes(html, "frame-links")).toContain('data-frame="narrative-frame"');
    expect(html).toContain("Links in this document");
    expect(html).toContain("example.org");
    expect(html).toContain("https://example.org/zyx");
    expect(html).toContain("clinic.example:8080");
    expect(html).toContain("http://clinic.example:8080/a?b=1&amp;c=2");
    expect(html.match(/data-testid="frame-link-open"/g)).toHaveLength(2);
  });

  it("shows no list when the document has no links", () => {
    expect(frame([])).not.toContain("frame-links");
    expect(frame(["javascript:alert(1)"])).not.toContain("frame-links");
  });
});

describe("FrameLinks", () => {
  it("gives each button a type, a label naming the link, and the link's address", () => {
    const html = render(FrameLinks, {
      props: { urls: ["https://example.org/zyx"], links: new LinkConfirm(ok), frame: "attachment-frame" },
    }).body;
    const button = attributes(html, "frame-link-open");
    expect(button).toMatch(/^<button/);
    expect(button).toContain('type="button"');
    expect(button).toContain('aria-label="Open in browser: https://example.org/zyx"');
    expect(button).toContain('data-url="https://example.org/zyx"');
    expect(html).toContain("Open in browser…");
    const heading = html.match(/<h3 id="([^"]+)"/)?.[1];
    expect(heading).toBeTruthy();
    expect(html).toContain(`<ul aria-labelledby="${heading}"`);
  });

  it("asks first, then opens the link in the browser when the patient confirms", async () => {
    const open = vi.fn(ok);
    const links = new LinkConfirm(open);
    // What the button does with the address it shows.
    links.request("https://example.org/zyx");
    expect(open).not.toHaveBeenCalled();

    const dialog = render(LinkDialog, { props: { links } }).body;
    expect(dialog).toContain("Open this link in your browser?");
    expect(dialog).toMatch(/data-testid="link-host"[^>]*>example\.org</);
    expect(dialog).toMatch(/data-testid="link-url"[^>]*>https:\/\/example\.org\/zyx</);

    await links.confirm();
    expect(open).toHaveBeenCalledExactlyOnceWith("https://example.org/zyx");
    expect(render(LinkDialog, { props: { links } }).body).not.toContain("Open this link");
  });
});
