import { describe, expect, it, vi } from "vitest";

import type { CategoryTable, IpcResult, RecordQuery } from "../ipc";
import { CategoryViews, columnsClass } from "./category-view.svelte";

function table(category: string, query: RecordQuery): CategoryTable {
  return {
    category,
    label: "Lab results",
    columns: [
      { key: "test", label: "Test", kind: "text" },
      { key: "value", label: "Value", kind: "quantity" },
    ],
    rows: [{ key: "1", cells: ["Hemoglobin A1c", query.text ?? "6.1"], flag: "high" }],
    next_cursor: null,
    total: 1,
  };
}

describe("CategoryViews", () => {
  it("asks for the category with the filters and keeps its columns", async () => {
    const fetch = vi.fn((c: string, q: RecordQuery): Promise<IpcResult<CategoryTable>> =>
      Promise.resolve({ ok: true, value: table(c, q) }),
    );
    const views = new CategoryViews(fetch);
    const labs = views.get("labs");
    await labs.list.update({ text: "a1c" });
    expect(fetch).toHaveBeenLastCalledWith("labs", expect.objectContaining({ text: "a1c", categories: [] }));
    expect(labs.columns.map((c) => c.label)).toEqual(["Test", "Value"]);
    expect(labs.label).toBe("Lab results");
    expect(labs.list.pager.items[0]?.cells).toEqual(["Hemoglobin A1c", "a1c"]);
    expect(views.get("labs")).toBe(labs);
  });

  it("passes errors through", async () => {
    const views = new CategoryViews(() =>
      Promise.resolve({ ok: false, error: { code: "vault_locked", message: "Locked." } }),
    );
    const v = views.get("vitals");
    await v.list.ensureLoaded();
    expect(v.list.pager.error?.code).toBe("vault_locked");
  });

  it("caps the column classes", () => {
    expect(columnsClass(0)).toBe("cols-1");
    expect(columnsClass(6)).toBe("cols-6");
    expect(columnsClass(14)).toBe("cols-10");
  });
});
