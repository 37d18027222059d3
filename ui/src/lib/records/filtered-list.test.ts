import { afterEach, describe, expect, it, vi } from "vitest";

import type { IpcResult, RecordQuery } from "../ipc";
import { FilteredList } from "./filtered-list.svelte";
import type { Page } from "./pager.svelte";

function fake() {
  const queries: RecordQuery[] = [];
  const fetch = vi.fn((q: RecordQuery): Promise<IpcResult<Page<string>>> => {
    queries.push(q);
    return Promise.resolve({ ok: true, value: { items: [q.text ?? "all"], next_cursor: null, total: 1 } });
  });
  return { fetch, queries };
}

describe("FilteredList", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("turns the filters into the query of the first page", async () => {
    const { fetch, queries } = fake();
    const list = new FilteredList(fetch);
    await list.update({ categories: ["labs"], from: "2024-01-01" });
    expect(queries.at(-1)).toMatchObject({ categories: ["labs"], from: "2024-01-01", to: null, cursor: null });
    expect(list.pager.items).toEqual(["all"]);
  });

  it("loads once however often the screen comes back", async () => {
    const { fetch } = fake();
    const list = new FilteredList(fetch);
    await list.ensureLoaded();
    await list.ensureLoaded();
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it("searches once typing pauses, not on every key", async () => {
    vi.useFakeTimers();
    const { fetch, queries } = fake();
    const list = new FilteredList(fetch, 300);
    await list.ensureLoaded();
    list.setText("h");
    list.setText("hb");
    list.setText("hba1c");
    expect(fetch).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(300);
    expect(fetch).toHaveBeenCalledTimes(2);
    expect(queries.at(-1)?.text).toBe("hba1c");
  });

  it("does not reload for a change that asks for the same records", async () => {
    const { fetch } = fake();
    const list = new FilteredList(fetch);
    await list.update({ text: "hb" });
    await list.update({ text: " hb " });
    expect(fetch).toHaveBeenCalledTimes(1);
    await list.reload();
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it("forgets the scroll position when the records change", async () => {
    const { fetch } = fake();
    const list = new FilteredList(fetch);
    await list.ensureLoaded();
    list.scrollOffset = 500;
    await list.update({ sources: ["import"] });
    expect(list.scrollOffset).toBe(0);
  });
});
