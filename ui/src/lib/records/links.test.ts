import { describe, expect, it, vi } from "vitest";

import type { IpcResult } from "../ipc";
import { LinkConfirm } from "./link-confirm.svelte";
import { classifyLink, listedLinks } from "./links";

describe("classifyLink", () => {
  it("lets web links out, after confirmation", () => {
    expect(classifyLink("https://example.org/a?b=1")).toEqual({
      kind: "external",
      url: "https://example.org/a?b=1",
      host: "example.org",
    });
    expect(classifyLink(" http://example.org:8080 ").kind).toBe("external");
  });

  it("refuses scripts, files, data and other schemes", () => {
    for (const href of ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x", "file:///etc/passwd", "smb://h/s", "ms-msdt:x", "tauri://localhost", "ipc://x"]) {
      expect(classifyLink(href).kind, href).toBe("blocked");
    }
  });

  it("refuses relative links and links that hide their host", () => {
    expect(classifyLink("/Patient/1").kind).toBe("blocked");
    expect(classifyLink("https://bank.example@evil.example/").kind).toBe("blocked");
    expect(classifyLink("").kind).toBe("blocked");
    expect(classifyLink(null).kind).toBe("blocked");
  });

  it("keeps links within the document", () => {
    expect(classifyLink("#section%202")).toEqual({ kind: "fragment", id: "section 2" });
  });
});

describe("listedLinks", () => {
  it("lists each web link once, with its host", () => {
    expect(listedLinks(["https://example.org/a?b=1", "http://example.net:8080/x", "https://example.org/a?b=1"])).toEqual([
      { url: "https://example.org/a?b=1", host: "example.org" },
      { url: "http://example.net:8080/x", host: "example.net:8080" },
    ]);
  });

  it("leaves out anything that is not a web address", () => {
    expect(listedLinks(["javascript:alert(1)", "mailto:a@example.org", "/relative", "", "not a url"])).toEqual([]);
  });

  it("names the real host of a link that hides it, and still refuses to open it", () => {
    const [link] = listedLinks(["https://bank.example@evil.example/"]);
    expect(link?.host).toBe("evil.example");
    expect(classifyLink(link?.url).kind).toBe("blocked");
  });
});

describe("LinkConfirm", () => {
  const ok = (): Promise<IpcResult<null>> => Promise.resolve({ ok: true, value: null });

  it("opens nothing until the patient confirms", async () => {
    const open = vi.fn(ok);
    const links = new LinkConfirm(open);
    links.request("https://example.org/x");
    expect(links.pending).toEqual({ url: "https://example.org/x", host: "example.org" });
    expect(open).not.toHaveBeenCalled();
    await links.confirm();
    expect(open).toHaveBeenCalledExactlyOnceWith("https://example.org/x");
    expect(links.pending).toBeNull();
  });

  it("opens nothing when the patient cancels", async () => {
    const open = vi.fn(ok);
    const links = new LinkConfirm(open);
    links.request("https://example.org/x");
    links.cancel();
    expect(await links.confirm()).toBeNull();
    expect(open).not.toHaveBeenCalled();
  });

  it("never asks about a refused link, and says why", async () => {
    const open = vi.fn(ok);
    const links = new LinkConfirm(open);
    links.request("javascript:top.document.title='x'");
    expect(links.pending).toBeNull();
    expect(links.notice).toMatch(/javascript/);
    await links.confirm();
    expect(open).not.toHaveBeenCalled();
  });

  it("reports a browser that could not start", async () => {
    const links = new LinkConfirm(() =>
      Promise.resolve({ ok: false, error: { code: "browser_unavailable", message: "No browser." } }),
    );
    links.request("https://example.org");
    expect((await links.confirm())?.code).toBe("browser_unavailable");
    expect(links.notice).toBe("No browser.");
  });
});
