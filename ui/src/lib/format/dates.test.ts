import { describe, expect, it } from "vitest";

import { formatDate, formatDateTime, formatRelative } from "./dates";

const UTC = { timeZone: "UTC" };

describe("formatDateTime", () => {
  it("shows day, short month, year and 24-hour time", () => {
    expect(formatDateTime("2026-03-12T14:05:09Z", UTC)).toBe("12 Mar 2026, 14:05");
  });

  it("converts to the given time zone", () => {
    expect(formatDateTime("2026-03-12T23:30:00Z", { timeZone: "Europe/Berlin" })).toBe(
      "13 Mar 2026, 00:30",
    );
  });

  it("returns an unreadable date unchanged", () => {
    expect(formatDateTime("not a date", UTC)).toBe("not a date");
    expect(formatDate("", UTC)).toBe("");
  });
});

describe("formatRelative", () => {
  const now = new Date("2026-03-12T12:00:00Z");

  it("says just now for under a minute and for a skewed future time", () => {
    expect(formatRelative("2026-03-12T11:59:30Z", now)).toBe("just now");
    expect(formatRelative("2026-03-12T12:05:00Z", now)).toBe("just now");
  });

  it("counts minutes, hours and days", () => {
    expect(formatRelative("2026-03-12T11:55:00Z", now)).toBe("5 minutes ago");
    expect(formatRelative("2026-03-12T09:00:00Z", now)).toBe("3 hours ago");
    expect(formatRelative("2026-03-11T10:00:00Z", now)).toBe("yesterday");
    expect(formatRelative("2026-03-08T12:00:00Z", now)).toBe("4 days ago");
  });

  it("falls back to the date after a week", () => {
    expect(formatRelative("2026-02-01T12:00:00Z", now, UTC)).toBe("1 Feb 2026");
  });
});
