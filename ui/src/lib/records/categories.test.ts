import { describe, expect, it } from "vitest";

import { categoryIcon, isImport } from "./categories";

describe("categoryIcon", () => {
  it("has an icon for every category and a fallback", () => {
    expect(categoryIcon("labs")).toBe("flask");
    expect(categoryIcon("medication_statement")).toBe(categoryIcon("medication_request"));
    expect(categoryIcon("other")).toBe("records");
    expect(categoryIcon("Encounter")).toBe("records");
  });

  it("tells imported files from portals", () => {
    expect(isImport("import")).toBe(true);
    expect(isImport("connection:abc")).toBe(false);
  });
});
