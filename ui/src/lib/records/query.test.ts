import { describe, expect, it } from "vitest";

import { dayBound, emptyFilters, isFiltered, PAGE_SIZE, sameFilters, searchText, toQuery } from "./query";

describe("toQuery", () => {
  it("asks for everything when nothing is set", () => {
    expect(toQuery(emptyFilters())).toEqual({
      categories: [],
      sources: [],
      from: null,
      to: null,
      text: null,
      cursor: null,
      limit: PAGE_SIZE,
    });
  });

  it("passes categories, sources, dates, words and the cursor", () => {
    const q = toQuery(
      { categories: ["labs", "vitals", "labs"], sources: ["import"], from: "2024-01-01", to: "2024-12-31", text: "  a1c   glucose " },
      "c-2",
      50,
    );
    expect(q).toEqual({
      categories: ["labs", "vitals"],
      sources: ["import"],
      from: "2024-01-01",
      to: "2024-12-31",
      text: "a1c glucose",
      cursor: "c-2",
      limit: 50,
    });
  });

  it("swaps bounds given the wrong way round", () => {
    const q = toQuery({ ...emptyFilters(), from: "2025-02-01", to: "2024-02-01" });
    expect([q.from, q.to]).toEqual(["2024-02-01", "2025-02-01"]);
  });

  it("ignores half-typed or impossible dates", () => {
    expect(dayBound("2024-02-3")).toBeNull();
    expect(dayBound("2023-02-29")).toBeNull();
    expect(dayBound("2024-02-29")).toBe("2024-02-29");
    expect(dayBound("")).toBeNull();
  });

  it("treats a blank search as no search", () => {
    expect(searchText("   ")).toBeNull();
    expect(searchText("\thb\n a1c")).toBe("hb a1c");
  });
});

describe("isFiltered and sameFilters", () => {
  it("knows when a filter narrows the records", () => {
    expect(isFiltered(emptyFilters())).toBe(false);
    expect(isFiltered({ ...emptyFilters(), text: "  " })).toBe(false);
    expect(isFiltered({ ...emptyFilters(), to: "2020-01-01" })).toBe(true);
    expect(isFiltered({ ...emptyFilters(), sources: ["import"] })).toBe(true);
  });

  it("compares what is asked, not how it was typed", () => {
    const a = { ...emptyFilters(), categories: ["labs", "vitals"], text: "hb " };
    const b = { ...emptyFilters(), categories: ["vitals", "labs"], text: " hb" };
    expect(sameFilters(a, b)).toBe(true);
    expect(sameFilters(a, { ...b, from: "2020-01-01" })).toBe(false);
  });
});
