// A series' points as the trend chart draws them: time on x, the value on y, the
// reference range as a band, and the axis bounds chosen so the values and the
// whole band are in view with a little air around them.

import type { ChartPoint, ChartSeries } from "../ipc";

export interface PlotPoint {
  /** Milliseconds since the epoch (UTC). */
  x: number;
  y: number;
  point: ChartPoint;
}

export interface Plot {
  points: PlotPoint[];
  /** The reference range per point (null where a point has none): the band's edges. */
  low: (number | null)[];
  high: (number | null)[];
  hasRange: boolean;
  yMin: number;
  yMax: number;
  xMin: number;
  xMax: number;
  /** Points left out because their date could not be read. */
  undated: number;
}

/** A FHIR date or instant as a time: partial dates fall on their first day. */
export function toTime(date: string): number | null {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(date.trim());
  if (m) {
    return Date.UTC(Number(m[1]), m[2] ? Number(m[2]) - 1 : 0, m[3] ? Number(m[3]) : 1);
  }
  const t = Date.parse(date);
  return Number.isNaN(t) ? null : t;
}

/** The y bounds: every value and range edge, padded by a tenth; never below zero for positive data. */
export function yBounds(values: readonly number[]): { min: number; max: number } {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) {
    return { min: 0, max: 1 };
  }
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const span = hi - lo;
  const pad = span > 0 ? span * 0.1 : Math.max(Math.abs(hi) * 0.1, 1);
  let min = lo - pad;
  const max = hi + pad;
  if (lo >= 0 && min < 0) {
    min = 0;
  }
  return { min, max };
}

const DAY = 86_400_000;

/** The x bounds: the first and last points, half a day of air each side (a week for one point). */
export function xBounds(times: readonly number[]): { min: number; max: number } {
  if (times.length === 0) {
    const now = Date.now();
    return { min: now - 7 * DAY, max: now };
  }
  const lo = Math.min(...times);
  const hi = Math.max(...times);
  const pad = hi > lo ? Math.max((hi - lo) * 0.03, DAY / 2) : 7 * DAY;
  return { min: lo - pad, max: hi + pad };
}

export function plot(series: ChartSeries): Plot {
  const points: PlotPoint[] = [];
  let undated = 0;
  for (const point of series.points) {
    const x = toTime(point.date);
    if (x === null || !Number.isFinite(point.value)) {
      undated += 1;
      continue;
    }
    points.push({ x, y: point.value, point });
  }
  // The core sends them oldest first; sorting again costs little and keeps the line honest.
  points.sort((a, b) => a.x - b.x);
  const low = points.map((p) => p.point.low);
  const high = points.map((p) => p.point.high);
  const edges = [...low, ...high].filter((v): v is number => v !== null);
  const y = yBounds([...points.map((p) => p.y), ...edges]);
  const x = xBounds(points.map((p) => p.x));
  return {
    points,
    low,
    high,
    hasRange: edges.length > 0,
    yMin: y.min,
    yMax: y.max,
    xMin: x.min,
    xMax: x.max,
    undated,
  };
}

/** "6.1", "120", "0.004": enough digits to tell close values apart, no float noise. */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) {
    return String(value);
  }
  return new Intl.NumberFormat("en-US", { maximumSignificantDigits: 4, useGrouping: false }).format(value);
}

/** "4.0–6.0", "≥ 4.0", "≤ 6.0", or "" when there is no range. */
export function formatRange(low: number | null, high: number | null): string {
  if (low !== null && high !== null) {
    return `${formatValue(low)}–${formatValue(high)}`;
  }
  if (low !== null) {
    return `≥ ${formatValue(low)}`;
  }
  if (high !== null) {
    return `≤ ${formatValue(high)}`;
  }
  return "";
}
