import { describe, expect, it } from "vitest";

import { Navigator, type Page } from "./navigation.svelte";

describe("Navigator", () => {
  it("opens a record over the page and goes back to it", () => {
    const nav = new Navigator();
    nav.go("timeline");
    nav.openRecord("42");
    expect(nav.view).toMatchObject({ page: "timeline", record: "42" });
    expect(nav.canGoBack).toBe(true);
    nav.back();
    expect(nav.view).toMatchObject({ page: "timeline", record: null });
    expect(nav.canGoBack).toBe(false);
  });

  it("follows a chart point to its record and back to the chart", () => {
    const nav = new Navigator();
    nav.openChart("http://loinc.org|4548-4");
    nav.openRecord("7");
    nav.openRecord("8");
    nav.back();
    nav.back();
    expect(nav.view).toMatchObject({ page: "charts", code: "http://loinc.org|4548-4", record: null });
    nav.back();
    expect(nav.view.page).toBe("records");
  });

  it("starts afresh from the navigation, keeping the chosen category and series", () => {
    const nav = new Navigator();
    nav.openCategory("labs");
    nav.openRecord("1");
    nav.go("categories");
    expect(nav.view).toMatchObject({ page: "categories", category: "labs", record: null });
    expect(nav.canGoBack).toBe(false);
  });

  it("does not stack the same record twice", () => {
    const nav = new Navigator();
    nav.openRecord("1");
    nav.openRecord("1");
    nav.back();
    expect(nav.view.record).toBeNull();
    expect(nav.canGoBack).toBe(false);
  });

  it("reaches the vault pages from both sides of the navigation, closing an open record", () => {
    const nav = new Navigator();
    const pages: Page[] = ["connect", "connections", "import", "share", "export", "audit", "settings"];
    for (const page of pages) {
      nav.openRecord("5");
      nav.go(page);
      expect(nav.view).toMatchObject({ page, record: null });
      expect(nav.canGoBack).toBe(false);
    }
  });

  it("goes from Settings to the audit log as a fresh start", () => {
    const nav = new Navigator();
    nav.go("settings");
    nav.go("audit");
    expect(nav.view.page).toBe("audit");
    nav.back();
    expect(nav.view.page).toBe("audit");
  });
});
