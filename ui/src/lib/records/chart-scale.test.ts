import { describe, expect, it } from "vitest";

import type { ChartPoint, ChartSeries } from "../ipc";
import { formatRange, formatValue, plot, toTime, xBounds, yBounds } from "./chart-scale";

function pt(key: string, date: string, value: number, low: number | null = null, high: number | null = null): ChartPoint {
  return { key, date, value, low, high, flag: null };
}

function series(points: ChartPoint[]): ChartSeries {
  return { code: "http://loinc.org|4548-4", label: "Hemoglobin A1c", unit: "%", points, skipped: 0 };
}

describe("toTime", () => {
  it("reads days, partial dates and instants", () => {
    expect(toTime("2024-03-12")).toBe(Date.UTC(2024, 2, 12));
    expect(toTime("2024-03")).toBe(Date.UTC(2024, 2, 1));
    expect(toTime("2024")).toBe(Date.UTC(2024, 0, 1));
    expect(toTime("2024-03-12T10:00:00+02:00")).toBe(Date.UTC(2024, 2, 12, 8));
    expect(toTime("soon")).toBeNull();
  });
});

describe("yBounds", () => {
  it("pads the values by a tenth of their span", () => {
    expect(yBounds([10, 20])).toEqual({ min: 9, max: 21 });
  });

  it("does not go below zero for positive data", () => {
    expect(yBounds([0.5, 100]).min).toBe(0);
  });

  it("keeps negative data negative", () => {
    expect(yBounds([-5, 5])).toEqual({ min: -6, max: 6 });
  });

  it("opens a flat series around its value", () => {
    const b = yBounds([120, 120]);
    expect(b.min).toBeLessThan(120);
    expect(b.max).toBeGreaterThan(120);
  });

  it("has bounds for nothing at all", () => {
    expect(yBounds([])).toEqual({ min: 0, max: 1 });
  });
});

describe("xBounds", () => {
  it("pads one point by a week each side", () => {
    const t = Date.UTC(2024, 0, 10);
    const b = xBounds([t]);
    expect(b.min).toBeLessThan(t);
    expect(b.max).toBeGreaterThan(t);
  });
});

describe("plot", () => {
  it("keeps the whole reference band in view", () => {
    const p = plot(series([pt("1", "2024-01-01", 5.5, 4, 6), pt("2", "2024-06-01", 6.1, 4, 6)]));
    expect(p.hasRange).toBe(true);
    expect(p.yMin).toBeLessThanOrEqual(4);
    expect(p.yMax).toBeGreaterThanOrEqual(6.1);
    expect(p.low).toEqual([4, 4]);
    expect(p.high).toEqual([6, 6]);
  });

  it("orders points by time and leaves out unreadable dates", () => {
    const p = plot(series([pt("2", "2024-06-01", 2), pt("x", "n/a", 9), pt("1", "2024-01-01", 1)]));
    expect(p.points.map((q) => q.point.key)).toEqual(["1", "2"]);
    expect(p.undated).toBe(1);
    expect(p.yMax).toBeLessThan(9);
  });

  it("has no band without ranges", () => {
    const p = plot(series([pt("1", "2024-01-01", 70)]));
    expect(p.hasRange).toBe(false);
    expect(p.low).toEqual([null]);
  });
});

describe("formatValue and formatRange", () => {
  it("prints values without float noise", () => {
    expect(formatValue(0.1 + 0.2)).toBe("0.3");
    expect(formatValue(120)).toBe("120");
    expect(formatValue(6.125)).toBe("6.125");
  });

  it("prints one- and two-sided ranges", () => {
    expect(formatRange(4, 6)).toBe("4–6");
    expect(formatRange(4, null)).toBe("≥ 4");
    expect(formatRange(null, 6)).toBe("≤ 6");
    expect(formatRange(null, null)).toBe("");
  });
});
