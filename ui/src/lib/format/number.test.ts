import { describe, expect, it } from "vitest";

import { formatBytes, formatCount, formatPercent, plural } from "./number";

describe("formatCount", () => {
  it("adds comma thousands separators", () => {
    expect(formatCount(0)).toBe("0");
    expect(formatCount(500)).toBe("500");
    expect(formatCount(1234)).toBe("1,234");
    expect(formatCount(1234567)).toBe("1,234,567");
  });

  it("never shows a negative, fractional or non-finite count", () => {
    expect(formatCount(-3)).toBe("0");
    expect(formatCount(2.6)).toBe("3");
    expect(formatCount(Number.NaN)).toBe("0");
  });
});

describe("plural", () => {
  it("uses the singular only for exactly one", () => {
    expect(plural(1, "record")).toBe("1 record");
    expect(plural(0, "record")).toBe("0 records");
    expect(plural(2000, "entry", "entries")).toBe("2,000 entries");
  });
});

describe("formatPercent", () => {
  it("floors, clamps and handles an empty total", () => {
    expect(formatPercent(0, 0)).toBe("0%");
    expect(formatPercent(1, 3)).toBe("33%");
    expect(formatPercent(999, 1000)).toBe("99%");
    expect(formatPercent(5, 4)).toBe("100%");
  });
});

describe("formatBytes", () => {
  it("counts bytes below a kilobyte", () => {
    expect(formatBytes(0)).toBe("0 bytes");
    expect(formatBytes(1)).toBe("1 byte");
    expect(formatBytes(999)).toBe("999 bytes");
  });

  it("uses decimal units, one decimal below ten, rounded down", () => {
    expect(formatBytes(1000)).toBe("1 KB");
    expect(formatBytes(2_199_999)).toBe("2.1 MB");
    expect(formatBytes(42_900_000)).toBe("42 MB");
    expect(formatBytes(3_500_000_000)).toBe("3.5 GB");
  });

  it("never shows a negative or non-finite size", () => {
    expect(formatBytes(-5)).toBe("0 bytes");
    expect(formatBytes(Number.POSITIVE_INFINITY)).toBe("0 bytes");
  });
});
