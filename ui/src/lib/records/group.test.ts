import { describe, expect, it } from "vitest";

import type { RecordItem } from "../ipc";
import { dayLabel, dayOf, groupByDay, recordDate } from "./group";

function item(key: string, date: string | null): RecordItem {
  return {
    key,
    resource_type: "Observation",
    resource_id: `obs-${key}`,
    category: "labs",
    category_label: "Lab results",
    date,
    summary: `Result ${key}`,
    flag: null,
    status: "final",
    source: "import",
    source_label: "Imported file",
  };
}

describe("dayOf", () => {
  it("takes the day as written, whatever the offset", () => {
    expect(dayOf("2024-03-12T23:30:00-05:00")).toBe("2024-03-12");
    expect(dayOf("2024-03-12T00:10:00+09:00")).toBe("2024-03-12");
    expect(dayOf("2024-03-12")).toBe("2024-03-12");
  });

  it("keeps partial dates partial", () => {
    expect(dayOf("2024-03")).toBe("2024-03");
    expect(dayOf("1999")).toBe("1999");
  });

  it("has no day for undated or unreadable dates", () => {
    expect(dayOf(null)).toBeNull();
    expect(dayOf("yesterday")).toBeNull();
  });
});

describe("dayLabel and recordDate", () => {
  it("names days, months and years", () => {
    expect(dayLabel("2024-03-02")).toBe("2 Mar 2024");
    expect(dayLabel("2024-11")).toBe("Nov 2024");
    expect(dayLabel("2024")).toBe("2024");
    expect(dayLabel(null)).toBe("No date");
    expect(dayLabel("2024-13")).toBe("2024-13");
  });

  it("adds the time of an instant", () => {
    expect(recordDate("2024-03-02T08:05:00Z")).toBe("2 Mar 2024, 08:05");
    expect(recordDate("2024-03-02")).toBe("2 Mar 2024");
    expect(recordDate(null)).toBe("No date");
  });
});

describe("groupByDay", () => {
  it("puts a header before each new day and counts its records", () => {
    const rows = groupByDay([
      item("1", "2024-03-12T10:00:00Z"),
      item("2", "2024-03-12"),
      item("3", "2024-03-01"),
      item("4", null),
      item("5", null),
    ]);
    expect(rows.map((r) => (r.kind === "header" ? `# ${r.label} (${r.count})` : r.item.key))).toEqual([
      "# 12 Mar 2024 (2)",
      "1",
      "2",
      "# 1 Mar 2024 (1)",
      "3",
      "# No date (2)",
      "4",
      "5",
    ]);
  });

  it("gives every row a unique id", () => {
    const rows = groupByDay([item("1", "2024-01-01"), item("2", "2023-01-01"), item("3", "2024-01-01")]);
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
  });

  it("has no rows for no items", () => {
    expect(groupByDay([])).toEqual([]);
  });
});
