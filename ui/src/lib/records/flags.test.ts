import { describe, expect, it } from "vitest";

import { flagView, isNotable } from "./flags";

describe("flagView", () => {
  it("labels every flag in words", () => {
    expect(flagView("high")?.label).toBe("High");
    expect(flagView("low")?.label).toBe("Low");
    expect(flagView("abnormal")?.label).toBe("Abnormal");
    expect(flagView("critical")?.label).toBe("Critical");
    expect(flagView("normal")?.label).toBe("Normal");
  });

  it("gives critical results the strongest tone", () => {
    expect(flagView("critical")?.tone).toBe("danger");
    expect(flagView("high")?.tone).toBe("warning");
    expect(flagView("normal")?.tone).toBe("success");
  });

  it("shows nothing without a flag", () => {
    expect(flagView(null)).toBeNull();
    expect(flagView(undefined)).toBeNull();
  });

  it("calls only out-of-range flags notable", () => {
    expect(isNotable("normal")).toBe(false);
    expect(isNotable(null)).toBe(false);
    expect(isNotable("low")).toBe(true);
  });
});
